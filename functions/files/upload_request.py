"""POST /api/v1/files/upload — reserve quota, record a pending upload, hand out a presigned POST."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import uploads
from functions.files.manifest import SERVICE
from functions.files.models import UploadRequest, UploadTicket
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("upload-request"))
logger = app.logger


@app.endpoint
def upload_request(body: UploadRequest) -> UploadTicket:
    """Request an upload: type, permission (rbac), storage reservation, then a presigned POST form."""
    return uploads.request_upload(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
