"""DELETE /api/v1/api-keys/{keyId} — revoke a key: refused from the very next request (apikey.manage)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import api_keys
from functions.gateway.api_key_models import KEY_ID_PATTERN
from functions.gateway.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("api-keys-delete"))
logger = app.logger
KeyIdPath = Annotated[str, Path(pattern=KEY_ID_PATTERN)]


@app.endpoint
def api_keys_delete(keyId: KeyIdPath) -> Response[None]:
    """Revoke the key."""
    api_keys.revoke(keyId)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
