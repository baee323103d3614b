"""GET /api/v1/files?folder=&pageSize=&cursor= — available files, newest first, by page (file.read)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import service
from functions.files.manifest import SERVICE
from functions.files.models import FOLDER_PATTERN, FileOut
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("list"))
logger = app.logger


@app.endpoint
def list(
    folder: Annotated[
        str | None, Query(max_length=260, json_schema_extra={"pattern": FOLDER_PATTERN})
    ] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[FileOut]:
    """The caller's tenant's available files (of one folder, if given), with the maintained total."""
    return service.list_files(folder, page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
