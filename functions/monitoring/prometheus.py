"""GET /internal/metrics — today's request counts, durations and event counters in Prometheus text format
(the stage's scrape token as a bearer, or a service token). The body is the exposition text itself, not an
envelope: scrapers read it as it is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import exposition, ports
from functions.monitoring.manifest import SERVICE
from shared import request_metrics
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("prometheus"))
logger = app.logger


@app.endpoint
def prometheus() -> Response[str]:
    """http_requests_total, http_request_duration_seconds and stratus_events_total of the UTC day."""
    day = datetime.now(UTC).date().isoformat()
    body = exposition.render(request_metrics.read(day), ports.store().every_tenant(day))
    return Response(status_code=200, content_type=exposition.CONTENT_TYPE, body=body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
