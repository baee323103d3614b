"""The audit store in memory (`ports.AuditStore`). Records are placed, counted and paged as the DynamoDB
store does it — the same `layout` keys, one lock standing in for the write's transaction, and each
paging round reading `limit` items of the partition before the filter is applied (as DynamoDB's Limit
counts items read, not items kept) — so the bounded-round paging runs on the fake exactly as on moto."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from functions.audit import layout
from functions.audit.layout import Key, Selection
from functions.audit.models import AuditRecord


@dataclass(frozen=True)
class _Stored:
    place: layout.Placement
    record: AuditRecord

    def key(self, index: str | None) -> Key:
        key: Key = {"pk": {"S": self.place.pk}, "sk": {"S": self.place.sk}}
        if index == "gsi1" and self.place.gsi1pk:
            key |= {"gsi1pk": {"S": self.place.gsi1pk}, "gsi1sk": {"S": self.place.sk}}
        if index == "gsi2" and self.place.gsi2pk:
            key |= {"gsi2pk": {"S": self.place.gsi2pk}, "gsi2sk": {"S": self.place.sk}}
        return key

    def partition(self, index: str | None) -> str | None:
        return {None: self.place.pk, "gsi1": self.place.gsi1pk, "gsi2": self.place.gsi2pk}[index]


class FakeAuditStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], _Stored] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.rounds = 0  # paging rounds read (one Query each on DynamoDB)
        self._lock = threading.Lock()

    def insert(self, record: AuditRecord) -> bool:
        places = layout.placements(record)
        with self._lock:
            if any((p.pk, p.sk) in self.items for p in places):
                return False  # the puts are conditioned on new items: nothing is written or counted
            for place in places:
                self.items[(place.pk, place.sk)] = _Stored(place, record)
            for sk in layout.count_keys(record):
                key = (layout.counts_pk(record.tenant_id), sk)
                self.counts[key] = self.counts.get(key, 0) + 1
            return True

    def count(self, tenant_id: str, *, event_type: str | None = None, user_id: str | None = None) -> int:
        return self.counts.get((layout.counts_pk(tenant_id), layout.count_key(event_type, user_id)), 0)

    def page(
        self, selection: Selection, *, page_size: int, cursor: str | None
    ) -> tuple[list[AuditRecord], str | None]:
        def read(start: Key | None, limit: int) -> tuple[list[tuple[Key, AuditRecord]], Key | None]:
            self.rounds += 1
            index = selection.index
            after = None if start is None else str(start["sk"]["S"])
            in_range = sorted(
                (
                    stored
                    for stored in self.items.values()
                    if stored.partition(index) == selection.partition
                    and (selection.lower is None or stored.place.sk >= selection.lower)
                    and (selection.upper is None or stored.place.sk <= selection.upper)
                    and (after is None or stored.place.sk < after)
                ),
                key=lambda stored: stored.place.sk,
                reverse=True,
            )
            read_now = in_range[:limit]
            # DynamoDB answers a LastEvaluatedKey whenever the Limit stopped the read.
            last = read_now[-1].key(index) if len(read_now) == limit else None
            kept = [(s.key(index), s.record) for s in read_now if selection.keeps(s.record)]
            return kept, last

        return layout.paged(selection, page_size=page_size, cursor=cursor, read=read)
