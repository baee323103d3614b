"""Schedules fire locally on EventBridge's rate and cron semantics."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from stratus.schedules import ScheduleError, Scheduler, next_fire
from tests.fixtures.echo import tick
from tests.fixtures.registry import test_registry

T0 = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(5 minutes)", datetime(2026, 11, 23, 6, 5, 30, tzinfo=UTC)),
        ("rate(1 day)", datetime(2026, 11, 24, 6, 0, 30, tzinfo=UTC)),
        ("cron(0 3 * * ? *)", datetime(2026, 11, 24, 3, 0, tzinfo=UTC)),
        ("cron(*/15 * * * ? *)", datetime(2026, 11, 23, 6, 15, tzinfo=UTC)),
        ("cron(0 9 ? * MON-FRI *)", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
        ("cron(0 9 ? * SAT *)", datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
        ("cron(30 2 1 JAN ? 2027)", datetime(2027, 1, 1, 2, 30, tzinfo=UTC)),
    ],
)
def test_next_fire(expression: str, expected: datetime) -> None:
    assert next_fire(expression, T0) == expected


@pytest.mark.parametrize("expression", ["cron(0 3 L * ? *)", "cron(0 3 * *)", "cron(61 * * * ? *)", "hourly"])
def test_unsupported_or_broken_expressions_are_refused_clearly(expression: str) -> None:
    with pytest.raises(ScheduleError):
        next_fire(expression, T0)


def test_the_scheduler_fires_due_jobs_once_and_reschedules_them() -> None:
    tick.ticks.clear()
    scheduler = Scheduler(test_registry(), threading.Event(), log=print)
    due = scheduler.due["echo-tick"]
    scheduler.due = {"echo-tick": due}  # the platform's own jobs are not this test's business
    assert scheduler.fire_due(due - timedelta(seconds=1)) == []
    assert scheduler.fire_due(due) == ["echo-tick"]
    assert scheduler.fire_due(due) == []  # not again until the next period
    assert len(tick.ticks) == 1
    assert tick.ticks[0]["detail-type"] == "Scheduled Event"
