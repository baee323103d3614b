"""GET /api/v1/config/{scope}/{key}/versions?pageSize=&cursor= — every version of a scope's document of a
key, newest first, with who wrote it and when (config.read)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.config import documents
from functions.config.manifest import SERVICE
from functions.config.models import ConfigVersion, KeyPath, ScopePath
from shared.context import require
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("versions"))
logger = app.logger


@app.endpoint
def versions(
    scope: ScopePath,
    key: KeyPath,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[ConfigVersion]:
    """The versions, newest first; `total` is the current version number."""
    return documents.versions(require().require_user(), scope, key, page_size=page_size, cursor=cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
