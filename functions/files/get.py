"""GET /api/v1/files/{fileId} — one file of the caller's tenant, pending ones too (file.read)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import service
from functions.files.manifest import SERVICE
from functions.files.models import FileOut
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("get"))
logger = app.logger


@app.endpoint
def get(fileId: str) -> FileOut:
    """One file of the caller's tenant."""
    return service.get_file(fileId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
