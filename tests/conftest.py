"""Shared test setup. Unit tests cannot open sockets; integration and e2e tests talk to a real moto server
over loopback HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3  # noqa: F401 - imported before sockets close: it probes IPv6 on import
from pytest_socket import disable_socket, enable_socket

EVENTS = Path(__file__).parent / "events"

# Tests never touch real AWS: fixed dummy credentials and region for every boto3 client they create.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "STRATUS_STAGE": "test",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        # Request metrics are counted only where a test turns them on (they flush to a table).
        "STRATUS_REQUEST_METRICS": "off",
    }
)
os.environ.pop("AWS_PROFILE", None)
if "STRATUS_JWT_PRIVATE_KEY" not in os.environ:  # one signing key for the whole test session
    from shared.access_tokens import generate_private_key_pem

    os.environ["STRATUS_JWT_PRIVATE_KEY"] = generate_private_key_pem()


# In-process moto (unit tests) gets the same per-request atomicity as the embedded emulator (and DynamoDB).
from stratus.emulator import make_dynamodb_requests_atomic  # noqa: E402

make_dynamodb_requests_atomic()


def load_event(name: str, **overrides: Any) -> dict[str, Any]:
    """A JSON event fixture from tests/events/, with top-level keys replaced by `overrides`."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    event.update(overrides)
    return event


def pytest_runtest_setup(item: pytest.Item) -> None:
    if "unit" in Path(str(item.path)).parts:
        disable_socket(allow_unix_socket=True)
    else:
        enable_socket()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Each test reads settings and builds clients anew, and whatever it did to the environment is undone,
    so an endpoint set by one never leaks into the next."""
    from shared import aws, service_client
    from shared.config import settings

    environment = dict(os.environ)
    settings.cache_clear()
    aws.reset_clients()
    service_client.reset_breakers()
    yield
    os.environ.clear()
    os.environ.update(environment)
    settings.cache_clear()
    aws.reset_clients()
