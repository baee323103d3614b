"""POST /api/v1/api-keys — a key for a machine client (apikey.manage); the key is shown once."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import api_keys
from functions.gateway.api_key_models import CreatedApiKey, NewApiKey
from functions.gateway.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("api-keys-create"))
logger = app.logger


@app.endpoint
def api_keys_create(body: NewApiKey) -> CreatedApiKey:
    """Scopes beyond the creator's own permissions are 403 INSUFFICIENT_PERMISSIONS."""
    return api_keys.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
