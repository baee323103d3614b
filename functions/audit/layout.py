"""The `audit` table's layout and its paging, as pure functions (no I/O: `store` reads and writes, its
in-memory fake keys and pages the same way).

Items (tenant `t`):
- record       `TENANT#t#AUDIT` / `<timestamp>#<eventId>`; gsi1 `TENANT#t#AUDIT#TYPE#<type>`, gsi2
               `TENANT#t#AUDIT#USER#<user>` (the subject user when the event names one, else the actor).
- actor copy   `TENANT#t#AUDIT#ACTOR` / same sk; only gsi2 on the actor. Written when the actor and the
               subject user differ, so that the user index finds a record by its actor *or* its subject
               with one Query; it lives outside the record partition and carries no type key, so neither
               the tenant listing nor the type index ever sees a record twice.
- counts       `TENANT#t#AUDIT#COUNTS` / `ALL`, `TYPE#<type>`, `USER#<user>` (ADD).

A page is read in bounded rounds (`paged`): each round is one Query of `pageSize + 1` items, and a user
filter on the type index is applied after each read (as DynamoDB applies a FilterExpression), so a filter
that keeps little never makes one request read a whole partition: after MAX_ROUNDS the page answers what
it has with a cursor where reading stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from functions.audit.models import AuditRecord
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.tables import tenant_key

MAX_ROUNDS = 10  # a filtered page reads at most this many Query pages, then answers with a cursor

Key = dict[str, Any]  # an item's key attributes in DynamoDB's wire form (`{"pk": {"S": ...}, ...}`)
# One round: from an exclusive start key, the items one Query of `limit` read (filtered) with their keys,
# newest first, and where the next round starts (None: the partition is exhausted).
Round = Callable[[Key | None, int], tuple[list[tuple[Key, AuditRecord]], Key | None]]


def records_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT")


def copies_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "ACTOR")


def counts_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "COUNTS")


def type_key(tenant_id: str, event_type: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "TYPE", event_type)


def user_key(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "USER", user_id)


def count_keys(record: AuditRecord) -> list[str]:
    """The count items (sort keys under `counts_pk`) one record adds one to."""
    return ["ALL", f"TYPE#{record.type}", *(f"USER#{u}" for u in record.users())]


def count_key(event_type: str | None, user_id: str | None) -> str:
    return f"TYPE#{event_type}" if event_type else f"USER#{user_id}" if user_id else "ALL"


@dataclass(frozen=True)
class Placement:
    """Where one item of a record lives: its key and the index keys it carries (None: not indexed)."""

    pk: str
    sk: str
    gsi1pk: str | None
    gsi2pk: str | None


def placements(record: AuditRecord) -> list[Placement]:
    """The record item and, when actor and subject user differ, its actor copy (see the module doc)."""
    t, users = record.tenant_id, record.users()
    main = Placement(
        records_pk(t), record.sk, type_key(t, record.type), user_key(t, users[0]) if users else None
    )
    if len(users) < 2:
        return [main]
    return [main, Placement(copies_pk(t), record.sk, None, user_key(t, users[1]))]


@dataclass(frozen=True)
class Selection:
    """Which partition to read (the table, or an index) and what bounds and filter apply."""

    tenant_id: str
    index: str | None  # None: the record partition; "gsi1": by type; "gsi2": by user
    partition: str
    lower: str | None = None  # inclusive sort-key bounds
    upper: str | None = None
    user_filter: str | None = None  # on the type index: keep records whose actor or subject is this user

    @property
    def key_names(self) -> tuple[str, str]:
        return (f"{self.index}pk", f"{self.index}sk") if self.index else ("pk", "sk")

    def keeps(self, record: AuditRecord) -> bool:
        """The filter: the record names the filtered user as its actor or its subject user."""
        return self.user_filter is None or self.user_filter in (record.actor_id, record.subject_user_id)


def paged(
    selection: Selection, *, page_size: int, cursor: str | None, read: Round
) -> tuple[list[AuditRecord], str | None]:
    """One page, newest first, and the cursor of the next (None when there is no more)."""
    start, page_number = Cursor.decode(cursor)
    if start is not None:
        check_cursor(selection, start)
    pk_name, sk_name = selection.key_names
    names = {"pk", "sk", pk_name, sk_name}
    # One more than the page asks for: whether a further match exists says whether there is a next page
    # (the cursor is then the last record taken, so nothing read beyond it is lost).
    taken: list[tuple[Key, AuditRecord]] = []
    for _ in range(MAX_ROUNDS):
        found, start = read(start, page_size + 1)
        for key, record in found:
            if len(taken) == page_size:
                last = {name: taken[-1][0][name] for name in names}
                return [r for _, r in taken], Cursor.encode(last, page=page_number + 1)
            taken.append((key, record))
        if start is None:
            return [r for _, r in taken], None
    # The filter kept too little of what was read: answer what there is and let the client go on.
    return [r for _, r in taken], Cursor.encode(start, page=page_number + 1)


def check_cursor(selection: Selection, key: Key) -> None:
    """A cursor is opaque but not trusted: it must point into the same selection, or DynamoDB would
    refuse it (a 500) or start where it should not."""
    pk_name, sk_name = selection.key_names
    allowed_pks = {records_pk(selection.tenant_id)}
    if selection.index == "gsi2":
        allowed_pks.add(copies_pk(selection.tenant_id))
    expected = {"pk", "sk", pk_name, sk_name}
    sk = key.get("sk", {}).get("S") if isinstance(key.get("sk"), dict) else None
    valid = (
        set(key) == expected
        and key.get(pk_name) == {"S": selection.partition}
        and key.get("pk", {}).get("S") in allowed_pks
        and isinstance(sk, str)
        and key.get(sk_name) == {"S": sk}
        and (selection.lower is None or sk >= selection.lower)
        and (selection.upper is None or sk <= selection.upper)
    )
    if not valid:
        raise InvalidRequest("The cursor is not valid", field="cursor")
