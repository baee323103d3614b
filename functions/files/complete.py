"""POST /api/v1/files/{fileId}/complete — verify the uploaded object and make the file available."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import uploads
from functions.files.manifest import SERVICE
from functions.files.models import FileOut
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("complete"))
logger = app.logger


@app.endpoint
def complete(fileId: str) -> FileOut:
    """Verify size, type and content (checksum, EICAR) of the uploaded object; idempotent once available."""
    return uploads.complete(fileId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
