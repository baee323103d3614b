"""GET /api/v1/oauth2/authorize — authorization code + PKCE S256 for the bearer's user (provider.py)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.oidc import provider
from functions.oidc.manifest import SERVICE
from shared.context import require
from shared.errors import InvalidToken
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("authorize"))
logger = app.logger
# Printable ASCII but `"` and `\` (RFC 6749 Appendix A; authlib echoes some values into error
# descriptions, which may not hold those two).
PRINTABLE = r"^[\x20\x21\x23-\x5b\x5d-\x7e]*$"
Param = Annotated[str | None, Query(max_length=2048, pattern=PRINTABLE)]


@app.endpoint
def authorize(
    response_type: Param = None,
    client_id: Param = None,
    redirect_uri: Param = None,
    scope: Param = None,
    state: Param = None,
    code_challenge: Param = None,
    code_challenge_method: Param = None,
    nonce: Param = None,
) -> Response[str]:
    """Redirect (302) to the client's registered redirect URI with `code` and `state`, or with `error`.
    The parameters are RFC 6749 §4.1.1's and RFC 7636's; authlib reads them from the query as sent (so
    that a repeated parameter is refused)."""
    user = require().user
    if user is None:
        raise InvalidToken("A valid access token is required")
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    params = parse_qsl(event.raw_query_string or "", keep_blank_values=True)
    status, _, answer_headers = provider.authorize(user, params, headers)
    return Response(
        status_code=status, body="", headers={**dict(answer_headers), "Cache-Control": "no-store"}
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
