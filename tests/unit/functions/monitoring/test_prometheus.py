"""GET /internal/metrics: today's request counts and durations and event counters, in the Prometheus text
format a scraper parses (service token only)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from functions.monitoring import exposition, prometheus
from functions.monitoring import subscriber as monitoring_subscriber
from shared import request_metrics
from shared.adapters.lambda_events import LocalContext, http_event
from shared.request_metrics import Series
from tests.kit import deliver, service_token_for
from tests.unit.functions.monitoring.support import login, uploaded

# One sample line: name, optional {labels}, value (the exposition format 0.0.4).
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_]\w*="(?:[^"\\\n]|\\.)*",?)*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_]\w*)="((?:[^"\\\n]|\\.)*)"')


def scrape(*, token: bool = True) -> tuple[int, dict[str, str], str]:
    route = prometheus.app.declared
    headers = {}
    if token:
        headers = {
            "x-service-token": service_token_for("gateway", "monitoring"),
            "x-service-name": "gateway",
        }
    result = prometheus.handler(
        http_event(route.method, route.path, route=route, headers=headers), LocalContext("t")
    )
    return (
        int(result["statusCode"]),
        {k.lower(): v for k, v in result["headers"].items()},
        str(result["body"]),
    )


def parse(text: str) -> list[tuple[str, dict[str, str], float]]:
    """Every sample of the text; fails on any line that is neither a sample nor a HELP/TYPE comment."""
    samples = []
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        found = SAMPLE.match(line)
        assert found, f"not a sample line: {line!r}"
        labels = {k: v for k, v in LABEL.findall(found.group(3) or "")}
        samples.append((found.group(1), labels, float(found.group(4))))
    return samples


def pick(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> list[Any]:
    return [(lab, value) for n, lab, value in samples if n == name and labels.items() <= lab.items()]


@pytest.fixture
def requests_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests as HttpApp counts them: a fresh buffer, flushed to the kernel table, then counting off."""
    monkeypatch.setattr(request_metrics, "_buffer", request_metrics._Buffer())
    monkeypatch.setenv("STRATUS_REQUEST_METRICS", "on")
    monkeypatch.setenv("STRATUS_REQUEST_METRICS_FLUSH_SECONDS", "3600")
    for ms in (50.0, 300.0, 7000.0):
        request_metrics.record("GET", "/api/v1/users", "acme", 200, ms)
    request_metrics.record("GET", "/api/v1/users", "acme", 404, 20.0)
    request_metrics.record("POST", "/api/v1/files/upload", "globex", 201, 1500.0)
    assert request_metrics.flush() == 3
    monkeypatch.setenv("STRATUS_REQUEST_METRICS", "off")


@pytest.mark.usefixtures("requests_counted")
def test_requests_are_counted_per_status_and_timed_in_cumulative_buckets() -> None:
    # WHEN the platform's scraper asks
    status, headers, text = scrape()
    # THEN the answer is the text format itself, and every line parses
    assert status == 200
    assert headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse(text)
    assert "# TYPE http_requests_total counter" in text
    assert "# TYPE http_request_duration_seconds histogram" in text
    # AND requests are counted per status code
    users = pick(samples, "http_requests_total", method="GET", route="/api/v1/users", tenant_id="acme")
    assert sorted((lab["status_code"], v) for lab, v in users) == [("200", 3.0), ("404", 1.0)]
    # AND the histogram sums the statuses, cumulatively, with +Inf equal to the count
    buckets = pick(samples, "http_request_duration_seconds_bucket", route="/api/v1/users", tenant_id="acme")
    assert [(lab["le"], v) for lab, v in buckets] == [
        ("0.1", 2.0),
        ("0.5", 3.0),
        ("1", 3.0),
        ("2", 3.0),
        ("5", 3.0),
        ("+Inf", 4.0),
    ]
    ((_, count),) = pick(samples, "http_request_duration_seconds_count", route="/api/v1/users")
    ((_, total),) = pick(samples, "http_request_duration_seconds_sum", route="/api/v1/users")
    assert count == 4.0
    assert total == pytest.approx(7.37)
    upload = pick(samples, "http_request_duration_seconds_bucket", route="/api/v1/files/upload")
    assert [v for _, v in upload] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]


def test_todays_event_counters_are_exposed_per_tenant_and_kind() -> None:
    assert (
        deliver(
            monitoring_subscriber, [login(tenant="acme"), login(tenant="acme"), uploaded(9, tenant="globex")]
        )
        == []
    )
    _, _, text = scrape()
    samples = parse(text)
    assert pick(samples, "stratus_events_total", tenant_id="acme", kind="logins") == [
        ({"tenant_id": "acme", "kind": "logins"}, 2.0)
    ]
    assert pick(samples, "stratus_events_total", tenant_id="globex", kind="uploads")[0][1] == 1.0
    # bytes are amounts, not events
    assert pick(samples, "stratus_events_total", kind="uploadBytes") == []


def test_label_values_are_escaped_so_the_text_still_parses() -> None:
    nasty = 'a"b\\c\nd'
    text = exposition.render(
        [Series("GET", nasty, "acme", 200, count=1, sum_ms=1.0, buckets=[1, 0, 0, 0, 0])], {}
    )
    samples = parse(text)
    assert pick(samples, "http_requests_total", route='a\\"b\\\\c\\nd')
    assert 'route="a\\"b\\\\c\\nd"' in text


def test_without_a_service_token_nothing_is_exposed() -> None:
    status, _, text = scrape(token=False)
    assert status == 401
    assert "http_requests_total" not in text
