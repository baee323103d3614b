"""POST /api/v1/apps/health/courses - add a course (health.course.write)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import courses
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import CourseIn, CourseOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("courses-create"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_course(body: CourseIn) -> CourseOut:
    """Add a course to the tenant's catalog (health.course.write)."""
    return courses.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
