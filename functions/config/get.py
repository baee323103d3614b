"""GET /api/v1/config/{scope}/{key} — a key's effective value at a scope, and what each scope contributed
(config.read; platform and plan scopes: platform admins)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.config import documents
from functions.config.manifest import SERVICE
from functions.config.models import ConfigDocument, KeyPath, ScopePath
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("get"))
logger = app.logger


@app.endpoint
def get(scope: ScopePath, key: KeyPath) -> ConfigDocument:
    """The scope's own document (`value`, `version`), the merged `effective` value and every scope's part
    (`layers`, lowest first: platform, plan, tenant, app)."""
    return documents.get(require().require_user(), scope, key)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
