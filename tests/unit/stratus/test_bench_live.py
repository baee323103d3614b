"""`python -m stratus.bench.live` prints the fan-out and gateway figures against issue 15's targets: a
reader sees at once which target a run met, and what each event and request cost in CPU."""

from __future__ import annotations

from stratus.bench.fanout import FanoutReport
from stratus.bench.live import render
from stratus.bench.load import LoadReport


def _fanout(*, p50: float, emulator: float, rate: float, lost: int = 0) -> FanoutReport:
    return FanoutReport(
        subscribers=6,
        samples=30,
        p50_ms=p50,
        p99_ms=p50 * 2,
        emulator_p50_ms=emulator,
        emulator_p99_ms=emulator * 2,
        sustained_events=500,
        sustained_seconds=500 / rate,
        sustained_rate=rate,
        lost=lost,
        cpu_ms_per_event=65.0,
    )


def _load(rate: float, errors: int = 0) -> LoadReport:
    return LoadReport(
        workers=8,
        seconds=15,
        requests=int(rate * 15),
        errors=errors,
        error_samples=(),
        rate=rate,
        p50_ms=40,
        p99_ms=90,
        cpu_ms_per_request=13.6,
    )


def test_a_run_below_the_targets_says_so_for_each_with_the_cpu_figures() -> None:
    fan, events, gateway = render(_fanout(p50=66, emulator=3.1, rate=14.1), _load(70))
    assert "ratio 21.3 (≤ 2: not met)" in fan
    assert "14.1 events/s fully processed (≥ 50: not met), 0 lost" in events
    assert "CPU 65 ms per event" in events
    assert "70 requests/s (≥ 200: not met), 0 errors of 1050" in gateway
    assert "CPU 13.6 ms per request" in gateway


def test_a_run_at_the_targets_is_reported_met() -> None:
    fan, events, gateway = render(_fanout(p50=8, emulator=4, rate=50), _load(200))
    assert "ratio 2.0 (≤ 2: met)" in fan
    assert "(≥ 50: met)" in events
    assert "(≥ 200: met)" in gateway
