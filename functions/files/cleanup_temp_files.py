"""POST /internal/maintenance/cleanup-temp-files — remove abandoned pending uploads (system token)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import maintenance
from functions.files.manifest import SERVICE
from functions.files.models import CleanupRequest, CleanupResult
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("cleanup-temp-files"))
logger = app.logger


@app.endpoint
def cleanup_temp_files(body: CleanupRequest) -> CleanupResult:
    """Remove pending uploads older than `olderThan`, releasing their quota; per-item errors are reported."""
    return maintenance.cleanup(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
