"""GET /api/v1/api-keys — the tenant's keys, without their secrets, with lastUsedAt (apikey.manage)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import api_keys
from functions.gateway.api_key_models import ApiKey
from functions.gateway.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("api-keys-list"))
logger = app.logger


@app.endpoint
def api_keys_list() -> list[ApiKey]:
    """Newest first; `lastUsedAt` is updated at most once a minute."""
    return api_keys.listed()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
