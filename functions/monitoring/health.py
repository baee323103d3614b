"""GET /internal/health — per-dependency health; 503 with the failing checks when one is down."""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import dependencies
from functions.monitoring.manifest import SERVICE
from shared.config import settings
from shared.errors import ServiceUnavailable
from shared.http_app import HttpApp
from shared.models import CamelModel

app = HttpApp(SERVICE.function("health"))
logger = app.logger


class HealthReport(CamelModel):
    status: Literal["healthy", "unhealthy"]
    stage: str
    checks: dict[str, dependencies.Check]


@app.endpoint
def health() -> HealthReport:
    """Report the health of every table, the event bus and the file bucket."""
    checks = dependencies.check_all()
    healthy = all(c.status == "healthy" for c in checks.values())
    report = HealthReport(status="healthy" if healthy else "unhealthy", stage=settings().stage, checks=checks)
    if not healthy:
        down = sorted(name for name, c in checks.items() if c.status != "healthy")
        logger.warning("unhealthy", down=down)
        raise ServiceUnavailable(f"Unhealthy: {', '.join(down)}", details=report.model_dump(by_alias=True))
    return report


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
