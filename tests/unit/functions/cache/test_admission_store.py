"""The admission store's contract (`ports.AdmissionStore`) on both adapters: the DynamoDB store (one
TransactWriteItems over moto's `sessions` table) and the in-memory fake the admission tests use, each over
its own sessions store. The request is counted in every bucket or in none."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from functions.cache import admission_store
from functions.cache import store as dynamodb_sessions
from functions.cache.ports import AdmissionStore, Bucket, SessionRecord, SessionsStore
from tests.kit import dynamodb_calls
from tests.unit.functions.cache.admission_fakes import FakeAdmission
from tests.unit.functions.cache.fakes import FakeSessionsStore

TENANT, USER = "acme", "u_alice"


@dataclass
class Adapters:
    sessions: SessionsStore
    admission: AdmissionStore


@pytest.fixture(params=["fake", "dynamodb"])
def adapters(request: pytest.FixtureRequest) -> Adapters:
    if request.param == "fake":
        sessions = FakeSessionsStore()
        return Adapters(sessions, FakeAdmission(sessions))
    request.getfixturevalue("dynamodb")
    return Adapters(dynamodb_sessions, admission_store)


def bucket(*parts: str, limit: int = 2, scope: str = "caller") -> Bucket:
    return Bucket(("tenant", *parts), limit, 900, scope)


CALLER, WHOLE_TENANT = bucket("USER", USER), bucket(limit=3, scope="tenant")


def open_session(adapters: Adapters, session_id: str = "s_1", *, user: str = USER, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "tenant_id": TENANT,
        "session_id": session_id,
        "user_id": user,
        "refresh_hash": "h",
        "previous_hashes": (),
        "expires_at": int(time.time()) + 3600,
        "revoked": False,
    }
    record = SessionRecord(**(fields | changes))
    assert adapters.sessions.put_session(record, created_at="2026-01-01T00:00:00Z", ip=None, user_agent=None)


def test_a_usable_session_is_counted_in_every_bucket_until_one_is_full(adapters: Adapters) -> None:
    open_session(adapters)
    for _ in range(2):
        assert adapters.admission.admit(TENANT, USER, "s_1", 0, [CALLER, WHOLE_TENANT]).counted
    # WHEN the caller's bucket is full  THEN refused by it, and the tenant's bucket did not count it
    refused = adapters.admission.admit(TENANT, USER, "s_1", 0, [CALLER, WHOLE_TENANT])
    assert (refused.state_unsure, refused.refused_by) == (False, CALLER)
    open_session(adapters, "s_2", user="u_bob")
    bob = bucket("USER", "u_bob")
    assert adapters.admission.admit(TENANT, "u_bob", "s_2", 0, [bob, WHOLE_TENANT]).counted
    assert adapters.admission.admit(TENANT, "u_bob", "s_2", 0, [bob, WHOLE_TENANT]).refused_by == WHOLE_TENANT


@pytest.mark.parametrize(
    ("changes", "user"),
    [({"revoked": True}, USER), ({"expires_at": 1}, USER), ({}, "u_bob")],
    ids=["revoked", "expired", "another user's"],
)
def test_an_unusable_session_fails_its_condition_and_counts_nothing(
    adapters: Adapters, changes: dict[str, Any], user: str
) -> None:
    open_session(adapters, **{k: v for k, v in changes.items() if k != "revoked"})
    if changes.get("revoked"):  # written by the revocation (a new session is never stored revoked)
        adapters.sessions.revoke_session(TENANT, "s_1")
    found = adapters.admission.admit(TENANT, user, "s_1", 0, [bucket("USER", user, limit=1)])
    assert (found.session_ok, found.user_ok, found.tenant_ok, found.counted) == (False, True, True, False)
    assert adapters.admission.count_each(TENANT, [bucket("USER", user, limit=1)]) is None  # first hit


def test_a_moved_epoch_or_a_suspended_user_or_tenant_fails_its_condition(adapters: Adapters) -> None:
    open_session(adapters)
    assert adapters.admission.admit(TENANT, USER, "s_1", 1, [CALLER]).user_ok is False  # no principal yet
    epoch = adapters.sessions.bump_principal(adapters.sessions.user_pk(TENANT, USER), None)
    assert adapters.admission.admit(TENANT, USER, "s_1", 0, [CALLER]).user_ok is False
    assert adapters.admission.admit(TENANT, USER, "s_1", epoch, [CALLER]).counted
    suspended = adapters.sessions.bump_principal(adapters.sessions.user_pk(TENANT, USER), "suspended")
    assert adapters.admission.admit(TENANT, USER, "s_1", suspended, [CALLER]).user_ok is False
    adapters.sessions.bump_principal(adapters.sessions.tenant_pk(TENANT), "suspended")
    found = adapters.admission.admit(TENANT, USER, "s_1", suspended, [CALLER])
    assert (found.user_ok, found.tenant_ok) == (False, False)


def test_counting_bucket_by_bucket_stops_at_the_first_full_one(adapters: Adapters) -> None:
    small, large = bucket("X", limit=1), bucket(limit=5)
    assert adapters.admission.count_each(TENANT, [small, large]) is None
    assert adapters.admission.count_each(TENANT, [small, large]) == small
    assert adapters.admission.count_each("globex", [small, large]) is None  # another tenant's buckets


def test_on_dynamodb_the_admission_is_one_transact_write_items(dynamodb: None) -> None:
    adapters = Adapters(dynamodb_sessions, admission_store)
    open_session(adapters)
    with dynamodb_calls() as calls:
        assert admission_store.admit(TENANT, USER, "s_1", 0, [CALLER, WHOLE_TENANT]).counted
    assert calls == ["TransactWriteItems"]


def test_on_dynamodb_a_conflict_says_nothing_and_counts_nothing(
    dynamodb: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from shared import aws

    adapters = Adapters(dynamodb_sessions, admission_store)
    open_session(adapters)

    def conflict(**_: Any) -> None:
        reasons = [{"Code": "None"}] * 4 + [{"Code": "TransactionConflict"}]
        error: Any = {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": reasons,
        }
        raise ClientError(error, "TransactWriteItems")

    with monkeypatch.context() as patch:
        patch.setattr(aws.client("dynamodb"), "transact_write_items", conflict)
        found = admission_store.admit(TENANT, USER, "s_1", 0, [CALLER, WHOLE_TENANT])
    assert (found.session_ok, found.user_ok, found.tenant_ok, found.refused_by) == (False, False, False, None)
    assert admission_store.count_each(TENANT, [CALLER]) is None  # nothing was counted: this is the first
