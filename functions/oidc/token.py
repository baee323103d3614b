"""POST /api/v1/oauth2/token — form-encoded (RFC 6749 §4.1.3, §6, §4.4), answered with RFC 6749 §5 bodies
(provider.py). The one route that takes `application/x-www-form-urlencoded` (`HttpApp(form=True)`); a JSON
object of the same string fields is read the same way (the platform's convention elsewhere)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Form
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.oidc import provider
from functions.oidc.manifest import SERVICE
from shared import request_body
from shared.http_app import JSON, HttpApp

app = HttpApp(SERVICE.function("token"), form=True)
logger = app.logger
# Printable ASCII but `"` and `\` (RFC 6749 Appendix A; authlib echoes some values into error
# descriptions, which may not hold those two).
PRINTABLE = r"^[\x20\x21\x23-\x5b\x5d-\x7e]*$"
Field = Annotated[str | None, Form(max_length=2048, pattern=PRINTABLE)]


@app.endpoint
def token(
    grant_type: Field = None,
    code: Field = None,
    redirect_uri: Field = None,
    code_verifier: Field = None,
    refresh_token: Field = None,
    client_id: Field = None,
    client_secret: Field = None,
    scope: Field = None,
) -> Response[str]:
    """Tokens for `authorization_code` (+ `code_verifier`), `refresh_token` (rotated) or
    `client_credentials`; the client authenticates with HTTP Basic or `client_id`/`client_secret`."""
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    if request_body.is_form(headers.get("content-type")):
        params = parse_qsl(event.decoded_body or "", keep_blank_values=True)
    else:
        params = provider.json_params(event.decoded_body)
    status, body, answer_headers = provider.token(params, headers)
    return Response(status_code=status, content_type=JSON, body=body, headers=dict(answer_headers))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
