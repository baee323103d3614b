"""GET /api/v1/apps/health/courses - the tenant's course catalog."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import courses
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import CourseOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("courses-list"), access=ACCESS)
logger = app.logger


@app.endpoint
def list_courses() -> list[CourseOut]:
    """The tenant's course catalog."""
    return courses.catalog()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
