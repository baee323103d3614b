"""GET /internal/files?folder=&pageSize=&cursor= — a page of available files for the user another service
acts for (`X-User-Context`): file.read and the tenant, exactly as `GET /api/v1/files`."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import service
from functions.files.listing_models import FileListing
from functions.files.manifest import SERVICE
from functions.files.models import FOLDER_PATTERN
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("list-internal"))
logger = app.logger


@app.endpoint
def list_internal(
    folder: Annotated[
        str | None, Query(max_length=260, json_schema_extra={"pattern": FOLDER_PATTERN})
    ] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> FileListing:
    """The acting user's tenant's available files (of one folder, if given), with the total."""
    page = service.list_files(folder, page_size, cursor)
    return FileListing(files=page.data, total=page.pagination.total, next_cursor=page.pagination.next_cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
