"""Statistics of a member's readings of one type over the last 7 or 30 days: min, max, mean (in the type's
canonical unit; blood pressure by its systolic figure), the trend (least-squares slope across the period)
and how many readings lay outside the reference range (ranges.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from apps.health import access, ranges, readings, store
from apps.health.models import FUTURE_SLACK, Analysis, iso

PERIOD_DAYS = {"7d": 7, "30d": 30}
# A fitted change across the period smaller than this share of the mean is "stable".
STABLE_SHARE = 0.03
MIN_FOR_TREND = 3

Trend = Literal["rising", "falling", "stable", "insufficient_data"]


def trend_of(points: list[tuple[float, float]]) -> Trend:
    """`points`: (days since the period began, figure). The least-squares line's change over the span."""
    if len(points) < MIN_FOR_TREND:
        return "insufficient_data"
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return "insufficient_data"  # every reading at one moment: no direction to speak of
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    change = slope * (max(x for x, _ in points) - min(x for x, _ in points))
    if abs(change) <= STABLE_SHARE * abs(mean_y):
        return "stable"
    return "rising" if change > 0 else "falling"


def summarize(
    reading_type: str, period: Literal["7d", "30d"], opened: list[tuple[dict[str, Any], Any]], since: datetime
) -> Analysis:
    figures = [ranges.figure_of(reading_type, value, doc["unit"]) for doc, value in opened]
    points = [
        (
            (datetime.fromisoformat(doc["measuredAt"].replace("Z", "+00:00")) - since).total_seconds()
            / 86_400,
            f,
        )
        for (doc, _), f in zip(opened, figures, strict=True)
    ]
    return Analysis(
        type=reading_type,
        period=period,
        unit=ranges.CANONICAL_UNIT[reading_type],
        count=len(figures),
        min=round(min(figures), 2) if figures else None,
        max=round(max(figures), 2) if figures else None,
        mean=round(sum(figures) / len(figures), 2) if figures else None,
        trend=trend_of(points),
        out_of_range=sum(1 for doc, _ in opened if doc["outOfRange"]),
        reference_range=ranges.reference_of(reading_type),
    )


def window(
    tenant_id: str, user_id: str, reading_type: str, since: datetime, until: datetime
) -> list[tuple[dict[str, Any], Any]]:
    found, _ = store.readings(tenant_id, user_id, reading_type, iso(since), iso(until), limit=None)
    return readings.unseal_all(tenant_id, found)


def analyse(reading_type: str, period: Literal["7d", "30d"]) -> Analysis:
    user = access.caller()
    until = datetime.now(UTC)
    since = until - timedelta(days=PERIOD_DAYS[period])
    opened = window(user.tenant_id, user.user_id, reading_type, since, until + FUTURE_SLACK)
    return summarize(reading_type, period, opened, since)
