"""The `ratelimits` table, the DynamoDB side of `ports.RateCounters`: one item per bucket and window
(`<key>#<window start>` / `COUNT`: hits), ADDed to atomically and deleted by TTL after its window."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from shared.tables import Item, table_meta


class CounterItem(Item):
    Meta = table_meta("ratelimits")  # type: ignore[assignment]  # a live Meta (see shared.tables)

    hits = NumberAttribute(null=True)


def hit(key: str, window: int, expires_at: int) -> int:
    """One UpdateItem: ADD hits 1 (and the expiry); the count after it."""
    item = CounterItem(f"{key}#{window}", "COUNT")
    item.update(actions=[CounterItem.hits.add(1), CounterItem.expires_at.set(expires_at)])
    return int(item.hits or 0)
