"""EventBridge schedule expressions, fired locally (the emulator stores schedules but never fires them).

`rate(N unit)` and `cron(minutes hours day-of-month month day-of-week year)` with `* ? , - /`, month and
day names; `L`, `W` and `#` are refused with a clear error rather than guessed at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from shared.adapters.lambda_events import LocalContext, scheduled_event
from shared.declarations import Function, Schedule
from shared.registry import Registry

_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
# field: (low, high, names)
_FIELDS: list[tuple[int, int, dict[str, int]]] = [
    (0, 59, {}),  # minutes
    (0, 23, {}),  # hours
    (1, 31, {}),  # day of month
    (1, 12, _MONTHS),
    (1, 7, _DAYS),  # day of week, 1 = Sunday
    (1970, 2199, {}),  # year
]


class ScheduleError(ValueError):
    pass


def _values(spec: str, low: int, high: int, names: dict[str, int]) -> set[int] | None:
    """The allowed values of one cron field; None means any."""
    if spec in ("*", "?"):
        return None
    if re.search(r"[LW#]", spec):
        raise ScheduleError(f"cron field {spec!r}: L, W and # are not supported locally")
    out: set[int] = set()
    for part in spec.split(","):
        rng, _, step_s = part.partition("/")
        step = int(step_s) if step_s else 1
        if rng == "*":
            start, end = low, high
        else:
            first, _, last = rng.partition("-")
            start = names.get(first.upper()) or int(first)
            end = (names.get(last.upper()) or int(last)) if last else (high if step_s else start)
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"cron field {spec!r} is outside {low}-{high}")
        out.update(range(start, end + 1, step))
    return out


def next_fire(expression: str, after: datetime) -> datetime:
    rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", expression)
    if rate:
        return after + timedelta(seconds=int(rate.group(1)) * _UNITS[rate.group(2)])
    cron = re.fullmatch(r"cron\((.+)\)", expression)
    if not cron or len(cron.group(1).split()) != 6:
        raise ScheduleError(f"not a schedule expression: {expression!r}")
    minutes, hours, dom, months, dow, years = (
        _values(spec, *field) for spec, field in zip(cron.group(1).split(), _FIELDS, strict=True)
    )
    t = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    limit = after + timedelta(days=366 * 5)
    while t < limit:
        aws_dow = (t.isoweekday() % 7) + 1  # AWS: 1 = Sunday
        day_ok = (dom is None or t.day in dom) and (dow is None or aws_dow in dow)
        if (months is None or t.month in months) and (years is None or t.year in years) and day_ok:
            if (hours is None or t.hour in hours) and (minutes is None or t.minute in minutes):
                return t
            t += timedelta(minutes=1)
        else:
            t = t.replace(hour=0, minute=0) + timedelta(days=1)
    raise ScheduleError(f"{expression!r} never fires in the next five years")


class Scheduler(threading.Thread):
    def __init__(self, registry: Registry, stop: threading.Event, log: Callable[[str], None]) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.registry = registry
        self.stop = stop
        self.log = log
        now = datetime.now(UTC)
        self.due: dict[str, datetime] = {
            fn.qualified_name: next_fire(_expr(fn), now) for fn in registry.scheduled
        }
        self.fired: dict[str, int] = dict.fromkeys(self.due, 0)

    def run(self) -> None:
        while not self.stop.is_set():
            self.fire_due(datetime.now(UTC))
            self.stop.wait(1)

    def fire_due(self, now: datetime) -> list[str]:
        fired = []
        for name, at in self.due.items():
            if at <= now:
                fn = self.registry.function(name)
                self.due[name] = next_fire(_expr(fn), now)
                self.fire(fn)
                fired.append(name)
        return fired

    def fire(self, fn: Function) -> None:
        self.fired[fn.qualified_name] += 1
        try:
            self.registry.handler(fn)(scheduled_event(fn.qualified_name), LocalContext.for_function(fn))
        except Exception as exc:
            from stratus.jobs import job_name

            self.log(f"! job {job_name(fn)} ({fn.qualified_name}) failed: {exc!r}")


def _expr(fn: Function) -> str:
    assert isinstance(fn.trigger, Schedule)
    return fn.trigger.expression
