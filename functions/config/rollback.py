"""POST /api/v1/config/{scope}/{key}/rollback — write an earlier version again, as a new version
(config.write); an unknown version is 404. Announced as config.changed."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.config import documents
from functions.config.manifest import SERVICE
from functions.config.models import ConfigDocument, KeyPath, Rollback, ScopePath
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("rollback"))
logger = app.logger


@app.endpoint
def rollback(scope: ScopePath, key: KeyPath, body: Rollback) -> ConfigDocument:
    """`{version, ifVersion?}` → the key at the scope after the rollback."""
    return documents.rollback(require().require_user(), scope, key, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
