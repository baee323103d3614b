"""PUT /api/v1/config/{scope}/{key} — write a scope's document of a key (config.write): validated against
the key's schema, kept as a new version, announced as config.changed. Carries the version it read
(`ifVersion` or `If-Match`); another version is 409 CONFLICT."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.config import documents
from functions.config.manifest import SERVICE
from functions.config.models import ConfigDocument, ConfigWrite, KeyPath, ScopePath
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("put"))
logger = app.logger


@app.endpoint
def put(
    scope: ScopePath,
    key: KeyPath,
    body: ConfigWrite,
    if_match: Annotated[
        str | None, Header(alias="if-match", max_length=40, pattern=documents.IF_MATCH_PATTERN)
    ] = None,
) -> ConfigDocument:
    """`{value, ifVersion?}` → the key at the scope after the write (as GET answers it)."""
    return documents.put(require().require_user(), scope, key, body, if_match)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
