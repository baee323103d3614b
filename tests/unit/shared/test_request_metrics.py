"""Request metrics: counted in the container, added to the kernel table in one transaction, read back as
series with seed 001's histogram buckets; a failed flush never fails the request and loses nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from shared import request_metrics
from shared.declarations import REQUEST_METRICS_TABLE
from stratus.provision import create_table


@pytest.fixture(autouse=True)
def _metrics_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STRATUS_REQUEST_METRICS", "on")
    monkeypatch.setenv("STRATUS_REQUEST_METRICS_FLUSH_SECONDS", "3600")
    request_metrics._buffer = request_metrics._Buffer()
    with mock_aws():
        yield


def test_requests_are_buffered_then_flushed_as_per_series_counts_and_buckets() -> None:
    # GIVEN the table, and requests of two routes and two tenants, one of them slow
    create_table(REQUEST_METRICS_TABLE)
    for ms in (12.0, 80.0, 700.0):
        request_metrics.record("get", "/api/v1/users/me", "acme", 200, ms)
    request_metrics.record("GET", "/api/v1/users/me", "globex", 200, 30.0)
    request_metrics.record("POST", "/api/v1/files/upload", "acme", 403, 9000.0)
    # THEN nothing is written before the interval (a request costs no call)
    assert list(request_metrics.read()) == []
    # WHEN the buffer is flushed
    assert request_metrics.flush() == 3
    # THEN each series carries its count, its sum and non-cumulative buckets (0.1, 0.5, 1, 2, 5 s)
    series = {(s.method, s.route, s.tenant, s.status): s for s in request_metrics.read()}
    me = series[("GET", "/api/v1/users/me", "acme", 200)]
    assert (me.count, round(me.sum_ms), me.buckets) == (3, 792, [2, 0, 1, 0, 0])
    upload = series[("POST", "/api/v1/files/upload", "acme", 403)]
    assert (upload.count, upload.buckets) == (1, [0, 0, 0, 0, 0])  # above 5 s: only in +Inf
    # AND a second flush adds to the stored counts
    request_metrics.record("GET", "/api/v1/users/me", "acme", 200, 5.0)
    request_metrics.flush()
    again = {(s.route, s.tenant, s.status): s for s in request_metrics.read()}
    assert again[("/api/v1/users/me", "acme", 200)].count == 4


def test_a_failed_flush_does_not_raise_and_keeps_the_counts_for_the_next_one() -> None:
    # GIVEN no table yet (the write fails)
    request_metrics.record("GET", "/x", None, 200, 1.0)
    assert request_metrics.flush() == 0
    # WHEN the table exists and the next flush runs
    create_table(REQUEST_METRICS_TABLE)
    request_metrics.record("GET", "/x", None, 200, 1.0)
    assert request_metrics.flush() == 1
    # THEN both requests are counted, under tenant "-"
    [series] = list(request_metrics.read())
    assert (series.tenant, series.count) == ("-", 2)


def test_switched_off_nothing_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_REQUEST_METRICS", "off")
    request_metrics.record("GET", "/x", None, 200, 1.0)
    assert request_metrics.flush() == 0
