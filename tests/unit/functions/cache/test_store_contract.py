"""The store contract (`ports.SessionsStore`), run on both adapters: the DynamoDB store over moto and the
in-memory fake the domain tests use. What the sessions domain relies on — a rotation decided by the store
on the hash it finds, revocation that never creates a session, expired sessions found by day and deleted
once, epochs that only move up (once per event when asked) — holds on both."""

from __future__ import annotations

import time

import pytest

from functions.cache import store as dynamodb_store
from functions.cache.ports import SessionRecord, SessionsStore
from tests.unit.functions.cache.fakes import FakeSessionsStore
from tests.unit.functions.cache.support import raw_item

NOW = int(time.time())
SID = "s_" + "a" * 32


@pytest.fixture(params=["fake", "dynamodb"])
def store(request: pytest.FixtureRequest) -> SessionsStore:
    if request.param == "fake":
        return FakeSessionsStore()
    request.getfixturevalue("dynamodb")
    return dynamodb_store


def session(session_id: str = SID, *, tenant: str = "acme", expires_at: int = NOW + 3600) -> SessionRecord:
    return SessionRecord(tenant, session_id, "u_1", "hash-1", (), expires_at, False, generation=2)


def opened(store: SessionsStore, record: SessionRecord) -> SessionRecord:
    store.put_session(record, created_at="2026-01-01T00:00:00Z", ip="203.0.113.9", user_agent="curl/8")
    return record


def test_a_session_reads_back_whole_and_only_in_its_tenant(store: SessionsStore) -> None:
    record = opened(store, session())
    assert store.get_session("acme", SID) == record
    assert store.get_session("globex", SID) is None
    assert store.read_for_check("acme", "u_1", SID) == (record, None, None)


def test_a_taken_session_id_is_never_written_over(store: SessionsStore) -> None:
    # GIVEN a session (with its email)  WHEN another is put under its id  THEN False, the first stays
    first = SessionRecord("acme", SID, "u_1", "hash-1", (), NOW + 3600, False, email="ada@acme.example")
    assert store.put_session(first, created_at="2026-01-01T00:00:00Z", ip=None, user_agent=None) is True
    other = SessionRecord("acme", SID, "u_2", "hash-2", (), NOW + 60, False)
    assert store.put_session(other, created_at="2026-01-02T00:00:00Z", ip=None, user_agent=None) is False
    assert store.get_session("acme", SID) == first


def test_a_rotation_happens_only_on_the_hash_it_presents_while_live(store: SessionsStore) -> None:
    opened(store, session())
    assert not store.replace_hash("acme", SID, presented="other", new_hash="h2", previous=["x"], now=NOW)
    assert store.replace_hash("acme", SID, presented="hash-1", new_hash="h2", previous=["hash-1"], now=NOW)
    found = store.get_session("acme", SID)
    assert found is not None
    assert (found.refresh_hash, found.previous_hashes) == ("h2", ("hash-1",))
    # AND a revoked or an expired session rotates no more; an unknown one never did
    assert not store.replace_hash("acme", SID, presented="h2", new_hash="h3", previous=[], now=NOW + 7200)
    store.revoke_session("acme", SID)
    assert not store.replace_hash("acme", SID, presented="h2", new_hash="h3", previous=[], now=NOW)
    assert not store.replace_hash("acme", "s_" + "f" * 32, presented="h", new_hash="h3", previous=[], now=NOW)
    revoked = store.get_session("acme", SID)
    assert revoked is not None
    assert revoked.revoked


def test_revoking_an_unknown_session_creates_none(store: SessionsStore) -> None:
    store.revoke_session("acme", SID)
    assert store.get_session("acme", SID) is None


def test_expired_sessions_are_found_by_day_and_deleted_once(store: SessionsStore) -> None:
    gone = opened(store, session("s_" + "1" * 32, expires_at=NOW - 10))
    live = opened(store, session("s_" + "2" * 32, expires_at=NOW + 10))
    day = store.expiry_partition(gone.expires_at)
    found = store.expired_sessions(day, NOW, 10)
    assert found == [("acme", gone.session_id, gone.expires_at)]
    assert store.delete_expired_session("acme", gone.session_id, NOW)
    assert not store.delete_expired_session("acme", gone.session_id, NOW)
    assert not store.delete_expired_session("acme", live.session_id, NOW)  # not expired: kept
    assert store.get_session("acme", live.session_id) is not None


def test_epochs_move_up_and_once_per_event_when_asked(store: SessionsStore) -> None:
    user = store.user_pk("acme", "u_1")
    assert store.get_principal(user) is None
    assert store.bump_principal(user, "suspended") == 1
    assert store.bump_principal(user, None) == 2
    ended = store.end_sessions(user)
    assert (ended.epoch, ended.generation, ended.status) == (3, 1, "suspended")
    assert store.bump_principal_once(user, "active", "evt_1")
    assert not store.bump_principal_once(user, "active", "evt_1")  # redelivered: nothing moves
    tenant = store.tenant_pk("acme")
    assert store.bump_principal(tenant, None) == 1
    opened(store, session())
    _session, user_principal, tenant_principal = store.read_for_check("acme", "u_1", SID)
    assert user_principal is not None
    assert tenant_principal is not None
    assert (user_principal.epoch, user_principal.status, tenant_principal.epoch) == (4, "active", 1)
    assert tenant_principal.status == "active"  # never set: the default


@pytest.mark.usefixtures("dynamodb")
def test_the_table_holds_the_hash_and_the_expiry_as_its_ttl_attribute() -> None:
    record = opened(dynamodb_store, session())
    item = raw_item(dynamodb_store.session_pk("acme", SID), "SESSION")
    assert item is not None
    assert item["refreshHash"] == {"S": "hash-1"}
    assert item["expiresAt"] == {"N": str(record.expires_at)}  # DynamoDB's TTL deletes it, late
    assert (item["ip"], item["userAgent"], item["previousHashes"]) == (
        {"S": "203.0.113.9"},
        {"S": "curl/8"},
        {"L": []},
    )
    assert item["gsi1pk"] == {"S": dynamodb_store.expiry_partition(record.expires_at)}
