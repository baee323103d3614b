"""The store contract (`ports.AuditStore`), run on both adapters: the DynamoDB store over moto and the
in-memory fake the domain tests use. What the audit domain relies on — a record written once with its
counts, found by tenant, type and either of its users, paged newest first with cursors bound to their
selection, and a filtered page that reads a bounded number of rounds and then answers with a cursor —
holds on both, so a domain test on the fake means what it says."""

from __future__ import annotations

import pytest

from functions.audit import layout
from functions.audit import store as dynamodb_store
from functions.audit.layout import Selection
from functions.audit.models import AuditRecord
from functions.audit.ports import AuditStore
from shared.errors import InvalidRequest
from tests.kit import dynamodb_calls
from tests.unit.functions.audit.fakes import FakeAuditStore


@pytest.fixture(params=["fake", "dynamodb"])
def store(request: pytest.FixtureRequest) -> AuditStore:
    if request.param == "fake":
        return FakeAuditStore()
    request.getfixturevalue("dynamodb")
    return dynamodb_store


def entry(
    n: int, *, kind: str = "user.updated", actor: str | None = "u_admin", subject: str | None = "u_bob"
) -> AuditRecord:
    return AuditRecord(
        tenant_id="acme",
        event_id=f"evt_{n:04d}",
        type=kind,
        timestamp=f"2024-05-01T10:{n // 60:02d}:{n % 60:02d}.000Z",
        source="users",
        actor_id=actor,
        subject_id=subject,
        subject_user_id=subject,
        request_id="req_1",
        correlation_id="cor_1",
        data={"userId": subject, "amount": 12345678901234567890} if subject else {"n": n},
    )


def everything(tenant: str = "acme") -> Selection:
    return Selection(tenant, None, layout.records_pk(tenant))


def test_a_record_is_written_once_and_counted_once(store: AuditStore) -> None:
    record = entry(1)
    assert store.insert(record)
    assert not store.insert(record)
    found, cursor = store.page(everything(), page_size=10, cursor=None)
    assert (found, cursor) == ([record], None)  # exact numbers survive the round trip
    assert store.count("acme") == 1
    assert store.count("acme", event_type="user.updated") == 1
    assert (store.count("acme", user_id="u_bob"), store.count("acme", user_id="u_admin")) == (1, 1)
    assert store.count("globex") == 0
    assert store.page(everything("globex"), page_size=10, cursor=None) == ([], None)


def test_a_user_finds_the_records_they_acted_in_or_were_the_subject_of(store: AuditStore) -> None:
    by_admin_on_bob, by_bob_alone, about_nobody = entry(1), entry(2, actor="u_bob"), entry(3, subject=None)
    for record in (by_admin_on_bob, by_bob_alone, about_nobody):
        store.insert(record)
    bob = Selection("acme", "gsi2", layout.user_key("acme", "u_bob"))
    admin = Selection("acme", "gsi2", layout.user_key("acme", "u_admin"))
    assert [r.event_id for r in store.page(bob, page_size=10, cursor=None)[0]] == ["evt_0002", "evt_0001"]
    assert [r.event_id for r in store.page(admin, page_size=10, cursor=None)[0]] == ["evt_0003", "evt_0001"]
    # AND the tenant listing sees each record once (the actor copy is in no other listing)
    assert len(store.page(everything(), page_size=10, cursor=None)[0]) == 3


def test_pages_run_newest_first_within_bounds_and_a_cursor_stays_in_its_selection(store: AuditStore) -> None:
    for n in range(1, 8):
        store.insert(entry(n))
    bounded = Selection(
        "acme", None, layout.records_pk("acme"), "2024-05-01T10:00:02", "2024-05-01T10:00:06~"
    )
    first, cursor = store.page(bounded, page_size=2, cursor=None)
    assert [r.event_id for r in first] == ["evt_0006", "evt_0005"]
    assert cursor is not None
    second, cursor = store.page(bounded, page_size=2, cursor=cursor)
    third, last = store.page(bounded, page_size=2, cursor=cursor)
    assert [r.event_id for r in second + third] == ["evt_0004", "evt_0003", "evt_0002"]
    assert last is None
    with pytest.raises(InvalidRequest):
        store.page(everything("globex"), page_size=2, cursor=cursor)
    with pytest.raises(InvalidRequest):
        store.page(
            Selection("acme", "gsi1", layout.type_key("acme", "user.updated")), page_size=2, cursor=cursor
        )


def test_a_filtered_page_reads_bounded_rounds_then_answers_with_a_cursor(store: AuditStore) -> None:
    # GIVEN one record of bob's, older than many of the same type by someone else
    store.insert(entry(0, actor="u_bob", subject=None))
    noise = layout.MAX_ROUNDS * 2 + 5  # more than MAX_ROUNDS rounds of (pageSize + 1) items read
    for n in range(1, noise + 1):
        store.insert(entry(n, actor="u_other", subject=None))
    by_type = layout.type_key("acme", "user.updated")
    bobs = Selection("acme", "gsi1", by_type, user_filter="u_bob")
    # WHEN a page of 1 is asked for  THEN the rounds run out first: nothing yet, and a cursor to go on
    with dynamodb_calls() as calls:
        found, cursor = store.page(bobs, page_size=1, cursor=None)
    rounds = store.rounds if isinstance(store, FakeAuditStore) else calls.count("Query")
    assert rounds == layout.MAX_ROUNDS
    assert found == []
    assert cursor is not None
    # AND going on finds bob's record, and then the end
    found, cursor = store.page(bobs, page_size=1, cursor=cursor)
    assert [r.event_id for r in found] == ["evt_0000"]
    assert cursor is None
