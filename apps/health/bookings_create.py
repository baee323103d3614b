"""POST /api/v1/apps/health/bookings - book a slot (never twice)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import bookings
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import BookingIn, BookingOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("bookings-create"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_booking(body: BookingIn) -> BookingOut:
    """Book an expert's slot; a slot already booked → 409."""
    return bookings.book(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
