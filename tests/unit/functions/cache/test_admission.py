"""The session check with rate limits (admission.py): one DynamoDB call when all is well, and every refusal
of the plain check (revoked, ended, suspended) kept, with nothing counted for a refused request."""

from __future__ import annotations

from typing import Any

from functions.cache import (
    ports,
    principals_tenant,
    principals_user,
    sessions_check,
    sessions_create,
    sessions_end_all,
    sessions_revoke,
)
from functions.cache.ports import Bucket
from tests.kit import dynamodb_calls
from tests.unit.functions.cache.admission_fakes import FakeAdmission
from tests.unit.functions.cache.support import TENANT, USER, data, session_body

CALLER = {"parts": ["tenant", "USER", USER], "limit": 3, "windowSeconds": 900, "scope": "caller"}
WHOLE_TENANT = {"parts": ["tenant"], "limit": 5, "windowSeconds": 900, "scope": "tenant"}


def open_session(user: str = USER) -> dict[str, Any]:
    return data(sessions_create, session_body(TENANT, user))


def admit(
    session: dict[str, Any], *, epoch: int | None = None, user: str = USER, **over: Any
) -> dict[str, Any]:
    body = {
        "tenantId": TENANT,
        "userId": user,
        "sessionId": session["sessionId"],
        "epoch": session["epoch"] if epoch is None else epoch,
        "buckets": [CALLER, WHOLE_TENANT],
    } | over
    return data(sessions_check, body)


def admission() -> FakeAdmission:
    fake = ports.admission()
    assert isinstance(fake, FakeAdmission), "domain tests run on the in-memory admission store"
    return fake


def hits(bucket: dict[str, Any]) -> int:
    b = Bucket(tuple(bucket["parts"]), bucket["limit"], bucket["windowSeconds"], bucket["scope"])
    return admission().count(TENANT, b)


def test_a_usable_session_is_admitted_and_counted_in_one_write() -> None:
    # GIVEN an open session
    session = open_session()
    # WHEN the authorizer checks it with its two buckets
    state = admit(session)
    # THEN it is active, counted in both buckets, by the admission's one write (one TransactWriteItems:
    # test_admission_store) and no read of the session
    assert state == {"active": True, "epoch": session["epoch"], "counted": True}
    assert admission().calls == ["admit"]
    assert (hits(CALLER), hits(WHOLE_TENANT)) == (1, 1)


def test_a_revoked_session_is_refused_and_counted_nowhere() -> None:
    session = open_session()
    data(sessions_revoke, {"tenantId": TENANT, "sessionId": session["sessionId"]})
    state = admit(session)
    assert (state["active"], state["reason"]) == (False, "revoked")
    assert (hits(CALLER), hits(WHOLE_TENANT)) == (0, 0)


def test_a_session_of_another_user_reads_as_unknown() -> None:
    session = open_session(user="u_bob")
    state = admit(session)  # alice presents bob's session id
    assert (state["active"], state["reason"]) == (False, "unknown")


def test_every_session_ended_at_once_is_refused_on_the_next_request() -> None:
    session = open_session()
    data(sessions_end_all, {"tenantId": TENANT, "userId": USER})
    assert admit(session)["reason"] == "revoked"


def test_a_suspended_user_and_a_suspended_tenant_are_refused_at_once() -> None:
    session = open_session()
    data(principals_user, {"tenantId": TENANT, "userId": USER, "status": "suspended"})
    assert admit(session)["reason"] == "user_suspended"
    other = open_session(user="u_bob")
    data(principals_tenant, {"tenantId": TENANT, "status": "suspended"})
    assert admit(other, user="u_bob")["reason"] == "tenant_suspended"


def test_a_moved_epoch_is_admitted_with_the_new_epoch_and_still_counted() -> None:
    # GIVEN a token whose epoch a role change has since moved
    session = open_session()
    moved = data(principals_user, {"tenantId": TENANT, "userId": USER})["epoch"]
    # WHEN it is checked  THEN it passes with the new epoch (the gateway re-reads the permissions)
    state = admit(session)
    assert (state["active"], state["epoch"], state["counted"]) == (True, moved, True)
    assert (hits(CALLER), hits(WHOLE_TENANT)) == (1, 1)


def test_a_full_callers_bucket_refuses_with_retry_after_and_spares_the_tenants() -> None:
    session = open_session()
    for _ in range(3):
        assert "limited" not in admit(session)
    refused = admit(session)
    assert (refused["active"], refused["limited"], refused["limit"]) == (True, "caller", 3)
    assert 0 < refused["retryAfter"] <= 900
    # the refused request is counted in neither bucket: the member's noise costs the tenant nothing
    assert (hits(CALLER), hits(WHOLE_TENANT)) == (3, 3)


def test_a_full_tenants_bucket_refuses_every_member() -> None:
    for user in ("u_1", "u_2", "u_3", "u_4", "u_5"):
        session = open_session(user=user)
        caller = CALLER | {"parts": ["tenant", "USER", user]}
        assert "limited" not in admit(session, user=user, buckets=[caller, WHOLE_TENANT])
    late = open_session(user="u_6")
    caller = CALLER | {"parts": ["tenant", "USER", "u_6"]}
    assert admit(late, user="u_6", buckets=[caller, WHOLE_TENANT])["limited"] == "tenant"


def test_without_epoch_or_buckets_it_is_the_plain_read(dynamodb: None) -> None:
    """On moto: the plain read is the sessions store's one BatchGetItem."""
    session = open_session()
    with dynamodb_calls() as calls:
        state = data(sessions_check, {"tenantId": TENANT, "userId": USER, "sessionId": session["sessionId"]})
    assert state == {"active": True, "epoch": session["epoch"]}
    assert calls == ["BatchGetItem"]


def _conflicting() -> None:
    """The admission's transaction is cancelled for a conflict with another one on the tenant's counter
    (what DynamoDB's cancellation then says: test_admission_store)."""
    admission().conflicts = 1


def test_a_conflicting_transaction_still_refuses_a_revoked_session() -> None:
    # GIVEN a revoked session, and a transaction cancelled for a conflict (its conditions say nothing)
    session = open_session()
    data(sessions_revoke, {"tenantId": TENANT, "sessionId": session["sessionId"]})
    _conflicting()
    # WHEN it is checked  THEN the read decides: refused, not let through uncounted
    assert admit(session)["reason"] == "revoked"


def test_a_conflicting_transaction_admits_a_usable_session_and_counts_it_item_by_item() -> None:
    session = open_session()
    _conflicting()
    state = admit(session)
    assert (state["active"], state["counted"]) == (True, True)
    assert (hits(CALLER), hits(WHOLE_TENANT)) == (1, 1)
