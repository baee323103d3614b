"""POST /api/v1/apps/health/courses/{courseId}/enroll - enrol the caller (once)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import courses
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import Enrolment
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("courses-enroll"), access=ACCESS)
logger = app.logger


@app.endpoint
def enroll(course_id: Annotated[str, Path(alias="courseId", max_length=128)]) -> Enrolment:
    """Enrol the caller in a course; again -> 409."""
    return courses.enrol(course_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
