"""Storefront analytics: events in (single or ≤ 500 at once) folded into per-tenant daily counters; orders
and revenue come from the saga's own `order.paid` (never from what a browser claims); the overview
(views, orders, revenue, conversion = orders per view) and per-product figures over a date range.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from apps.marketplace import access, analytics_store, products
from apps.marketplace.analytics_models import (
    Accepted,
    DayFigures,
    Money,
    Overview,
    ProductFigures,
    TrackedEvent,
)
from shared.errors import InvalidRequest

COUNTER = {"view": "views", "click": "clicks", "add_to_cart": "addToCart", "search": "searches"}
PAST = timedelta(days=7)  # a late event (offline storefront) is still counted; older is refused
FUTURE = timedelta(minutes=5)  # clock skew
MAX_DAYS = 366
READ = "analytics.read"


def _day(event: TrackedEvent, now: datetime) -> str:
    if event.timestamp is None:
        return now.date().isoformat()
    try:
        at = datetime.fromisoformat(event.timestamp.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidRequest("timestamp: not an ISO-8601 time", field="timestamp") from exc
    if at.tzinfo is None:
        raise InvalidRequest("timestamp: needs a time zone (Z or ±hh:mm)", field="timestamp")
    if not now - PAST <= at <= now + FUTURE:
        raise InvalidRequest("timestamp: within the last 7 days", field="timestamp")
    return at.astimezone(UTC).date().isoformat()


def ingest(tenant_id: str, events: list[TrackedEvent]) -> Accepted:
    """Every event is checked before any is counted (a batch is all or nothing), then one ADD per
    (day, product) touched."""
    now = datetime.now(UTC)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    per_product: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for event in events:
        day = _day(event, now)
        totals[day][COUNTER[event.type]] += 1
        if event.product_id:
            per_product[(event.product_id, day)][COUNTER[event.type]] += 1
    for day, counters in totals.items():
        analytics_store.add(tenant_id, None, day, dict(counters))
    for (product_id, day), counters in per_product.items():
        analytics_store.add(tenant_id, product_id, day, dict(counters))
    return Accepted(accepted=len(events))


def record_order(tenant_id: str, lines: list[dict[str, Any]], currency: str, amount: int, at: str) -> None:
    """From `order.paid`: the order, its units and revenue, for the storefront and for each product."""
    day = at[:10]
    units = sum(int(line["quantity"]) for line in lines)
    analytics_store.add(tenant_id, None, day, {"orders": 1, "units": units, f"revenue_{currency}": amount})
    for line in lines:
        analytics_store.add(
            tenant_id,
            line["productId"],
            day,
            {"orders": 1, "units": int(line["quantity"]), f"revenue_{currency}": int(line["totalPrice"])},
        )


def _range(first: str | None, last: str | None) -> tuple[str, str]:
    today = datetime.now(UTC).date()
    try:
        end = date.fromisoformat(last) if last else today
        start = date.fromisoformat(first) if first else end - timedelta(days=29)
    except ValueError as exc:
        raise InvalidRequest("from/to: dates as YYYY-MM-DD", field="from") from exc
    if start > end:
        raise InvalidRequest("from: after to", field="from")
    if (end - start).days >= MAX_DAYS:
        raise InvalidRequest(f"from/to: at most {MAX_DAYS} days", field="from")
    return start.isoformat(), end.isoformat()


def _figures(rows: list[dict[str, Any]], first: str, last: str) -> dict[str, Any]:
    views = sum(int(r.get("views", 0)) for r in rows)
    orders = sum(int(r.get("orders", 0)) for r in rows)
    revenue: Counter[str] = Counter()
    for row in rows:
        for name, value in row.items():
            if name.startswith("revenue_"):
                revenue[name.removeprefix("revenue_")] += int(value)
    main = revenue.most_common(1)[0] if revenue else (None, 0)
    return {
        "from_": first,
        "to": last,
        "views": views,
        "orders": orders,
        "revenue": main[1],
        "currency": main[0],
        "revenue_by_currency": [Money(currency=c, amount=a) for c, a in sorted(revenue.items())],
        "conversion": round(orders / views, 4) if views else 0.0,
        "days": [
            DayFigures(
                date=r["sk"],
                views=int(r.get("views", 0)),
                clicks=int(r.get("clicks", 0)),
                add_to_cart=int(r.get("addToCart", 0)),
                searches=int(r.get("searches", 0)),
                orders=int(r.get("orders", 0)),
                units=int(r.get("units", 0)),
            )
            for r in rows
        ],
    }


def overview(first: str | None, last: str | None) -> Overview:
    user = access.requiring(READ)
    start, end = _range(first, last)
    return Overview(**_figures(analytics_store.days(user.tenant_id, None, start, end), start, end))


def product(product_id: str, first: str | None, last: str | None) -> ProductFigures:
    user = access.requiring(READ)
    products.find(user.tenant_id, product_id)
    start, end = _range(first, last)
    rows = analytics_store.days(user.tenant_id, product_id, start, end)
    figures = _figures(rows, start, end)
    return ProductFigures(**figures, product_id=product_id, units=sum(int(r.get("units", 0)) for r in rows))
