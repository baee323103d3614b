"""GET /internal/health against the real emulator: healthy when all is there, 503 naming what is not."""

from __future__ import annotations

import json

import pytest

from functions.monitoring import health
from shared import aws
from shared.adapters.lambda_events import LocalContext
from shared.config import settings
from stratus.provision import Provisioned
from tests.conftest import load_event

pytestmark = pytest.mark.integration
CTX = LocalContext("monitoring-health")


def test_health_reports_every_table_the_bus_and_the_bucket(platform: Provisioned) -> None:
    result = health.handler(load_event("http_get_health"), CTX)
    assert result["statusCode"] == 200
    data = json.loads(result["body"])["data"]
    assert data["status"] == "healthy"
    assert set(data["checks"]) == {"bus", "bucket", *(f"table:{t}" for t in settings().tables)}


def test_health_is_503_with_details_when_a_dependency_is_down(platform: Provisioned) -> None:
    aws.client("s3").delete_bucket(Bucket=settings().bucket_name)
    result = health.handler(load_event("http_get_health"), CTX)
    assert result["statusCode"] == 503
    error = json.loads(result["body"])["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert error["retryable"] is True
    assert error["details"]["checks"]["bucket"]["status"] == "unhealthy"
    assert error["details"]["checks"]["bus"]["status"] == "healthy"
