"""GET /api/v1/files/{fileId}/download — a presigned download URL for an available file (file.read)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import service
from functions.files.manifest import SERVICE
from functions.files.models import DownloadLink
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("download"))
logger = app.logger


@app.endpoint
def download(fileId: str) -> DownloadLink:
    """A 15-minute download URL for an available file of the caller's tenant."""
    return service.download(fileId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
