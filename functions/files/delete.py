"""DELETE /api/v1/files/{fileId} — delete a file and release its quota (the owner, or file.delete)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import service
from functions.files.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("delete"))
logger = app.logger


@app.endpoint
def delete(fileId: str) -> Response[None]:
    """Delete a file of the caller's tenant: object, record and its share of the storage quota."""
    service.delete(fileId)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
