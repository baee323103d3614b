"""Sessions through their handlers: create, check, rotate (reuse detection) and revoke."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from functions.cache import (
    principals_tenant,
    principals_user,
    sessions,
    sessions_check,
    sessions_create,
    sessions_revoke,
    sessions_rotate,
)
from functions.cache.models import new_session_id
from shared.config import settings
from tests.kit import dynamodb_calls
from tests.unit.functions.cache.fakes import FakeSessionsStore
from tests.unit.functions.cache.support import (
    OTHER_TENANT,
    TENANT,
    USER,
    call,
    data,
    error,
    rotate_body,
    session_body,
    set_expires_at,
    stored_session,
)

REUSE = "refresh token reuse detected; the session is revoked"


def open_session(tenant: str = TENANT, user: str = USER, **extra: Any) -> dict[str, Any]:
    return data(sessions_create, session_body(tenant, user, **extra))


def check(session: dict[str, Any], tenant: str = TENANT, user: str = USER) -> dict[str, Any]:
    return data(sessions_check, {"tenantId": tenant, "userId": user, "sessionId": session["sessionId"]})


def rotate(token: str) -> dict[str, Any]:
    return data(sessions_rotate, rotate_body(token))


def rotate_fails(token: str) -> tuple[int, dict[str, Any]]:
    return error(sessions_rotate, rotate_body(token))


# --- create ------------------------------------------------------------------------------------------
def test_create_opens_a_session_and_stores_only_the_hash_of_the_secret() -> None:
    # GIVEN a user who logs in  WHEN the gateway opens a session
    before = int(time.time())
    created = open_session(ip="203.0.113.9", userAgent="curl/8")
    # THEN a new session id and a refresh token `<tenant>.<user>.<session>.<secret>`
    tenant, user, session_id, secret = created["refreshToken"].split(".")
    assert (tenant, user, session_id) == (TENANT, USER, created["sessionId"])
    assert session_id.startswith("s_")
    assert len(session_id) == 34
    ttl = settings().refresh_token_ttl_seconds
    assert before + ttl <= created["expiresAt"] <= int(time.time()) + ttl
    assert created["epoch"] == 0  # no principal yet
    # AND the table holds the sha256 of the secret, never the secret itself
    stored = stored_session(TENANT, session_id)
    assert stored is not None
    assert stored.record.refresh_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(stored)
    assert (stored.record.user_id, stored.record.revoked, stored.record.previous_hashes) == (USER, False, ())
    assert stored.record.expires_at == created["expiresAt"]
    assert (stored.ip, stored.user_agent) == ("203.0.113.9", "curl/8")
    assert stored.created_at


def test_create_returns_the_users_current_epoch() -> None:
    # GIVEN a user whose principal moved twice
    for _ in range(2):
        data(principals_user, {"tenantId": TENANT, "userId": USER})
    # WHEN a session is opened  THEN it carries epoch 2
    assert open_session()["epoch"] == 2


def test_every_session_and_token_is_new() -> None:
    first, second = open_session(), open_session()
    assert first["sessionId"] != second["sessionId"]
    assert first["refreshToken"] != second["refreshToken"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tenantId": "ACME"}, "tenantId"),
        ({"tenantId": "a"}, "tenantId"),
        ({"tenantId": "acme#USER#x"}, "tenantId"),
        ({"userId": "u#1"}, "userId"),
        ({"userId": None}, "userId"),
        ({"sessionId": "s_1#SESSION"}, "sessionId"),
        ({"sessionId": None}, "sessionId"),
        ({"refreshSecret": "short"}, "refreshSecret"),
        ({"refreshSecret": "a.b" + "c" * 40}, "refreshSecret"),
        ({"refreshSecret": None}, "refreshSecret"),
        ({"admin": True}, "admin"),
        ({"userAgent": "x" * 513}, "userAgent"),
    ],
)
def test_create_refuses_bad_input_with_400(body: dict[str, Any], field: str) -> None:
    request = {**session_body(), **body}
    status, err = error(sessions_create, {k: v for k, v in request.items() if v is not None})
    assert (status, err["code"], err["field"]) == (400, "INVALID_REQUEST", field)


# --- check -------------------------------------------------------------------------------------------
def test_a_new_session_is_active() -> None:
    # GIVEN an open session  WHEN it is checked  THEN it is active, no reason, epoch 0
    assert check(open_session()) == {"active": True, "epoch": 0}


@pytest.mark.usefixtures("dynamodb")
def test_check_is_one_batch_get_item() -> None:
    # GIVEN an open session
    session = open_session()
    # WHEN it is checked  THEN session, user and tenant come from exactly one BatchGetItem
    with dynamodb_calls() as seen:
        check(session)
    assert seen == ["BatchGetItem"]


def test_an_unknown_session_is_unknown() -> None:
    ghost = {"sessionId": new_session_id()}
    assert check(ghost) == {"active": False, "reason": "unknown", "epoch": 0}


def test_a_session_checked_under_another_tenant_or_user_is_unknown() -> None:
    # GIVEN a session of alice in acme
    session = open_session()
    # WHEN it is checked as globex's, or as bob's  THEN it is unknown there
    assert check(session, tenant=OTHER_TENANT)["reason"] == "unknown"
    assert check(session, user="u_bob")["reason"] == "unknown"
    # AND still active for its owner
    assert check(session)["active"] is True


def test_a_revoked_session_reads_revoked() -> None:
    # GIVEN an open session  WHEN it is revoked
    session = open_session()
    result = data(sessions_revoke, {"tenantId": TENANT, "sessionId": session["sessionId"]})
    # THEN revoked: true, and the check says revoked
    assert result == {"revoked": True}
    assert check(session) == {"active": False, "reason": "revoked", "epoch": 0}


def test_an_expired_session_reads_expired_even_before_ttl_deletes_it() -> None:
    # GIVEN a session whose expiresAt has passed (still in the table)
    session = open_session()
    set_expires_at(TENANT, session["sessionId"], int(time.time()) - 1)
    # WHEN it is checked  THEN expired
    assert check(session) == {"active": False, "reason": "expired", "epoch": 0}


def test_a_suspended_user_is_refused_and_the_epoch_moves() -> None:
    # GIVEN an open session  WHEN the user is suspended
    session = open_session()
    data(principals_user, {"tenantId": TENANT, "userId": USER, "status": "suspended"})
    # THEN the check says user_suspended with the new epoch
    assert check(session) == {"active": False, "reason": "user_suspended", "epoch": 1}
    # AND reactivating makes it active again, with a newer epoch
    data(principals_user, {"tenantId": TENANT, "userId": USER, "status": "active"})
    assert check(session) == {"active": True, "epoch": 2}


def test_a_deleted_user_is_refused() -> None:
    session = open_session()
    data(principals_user, {"tenantId": TENANT, "userId": USER, "status": "deleted"})
    assert check(session)["reason"] == "user_deleted"


def test_a_suspended_tenant_is_refused() -> None:
    # GIVEN an open session  WHEN its tenant is suspended
    session = open_session()
    data(principals_tenant, {"tenantId": TENANT, "status": "suspended"})
    # THEN tenant_suspended
    assert check(session) == {"active": False, "reason": "tenant_suspended", "epoch": 0}
    # AND another tenant's sessions are untouched
    assert check(open_session(tenant=OTHER_TENANT), tenant=OTHER_TENANT)["active"] is True


def test_check_refuses_a_malformed_session_id_with_400() -> None:
    status, err = error(sessions_check, {"tenantId": TENANT, "userId": USER, "sessionId": "s_1#SESSION"})
    assert (status, err["code"], err["field"]) == (400, "INVALID_REQUEST", "sessionId")


# --- rotate ------------------------------------------------------------------------------------------
def test_rotate_returns_a_new_token_for_the_same_session() -> None:
    # GIVEN an open session of a user at epoch 1
    data(principals_user, {"tenantId": TENANT, "userId": USER})
    created = open_session()
    # WHEN its refresh token is rotated
    rotated = rotate(created["refreshToken"])
    # THEN the same session and user, a new token, the same absolute expiry and the user's epoch
    assert rotated["tenantId"] == TENANT
    assert rotated["userId"] == USER
    assert rotated["sessionId"] == created["sessionId"]
    assert rotated["refreshToken"] != created["refreshToken"]
    assert rotated["refreshToken"].startswith(f"{TENANT}.{USER}.{created['sessionId']}.")
    assert rotated["expiresAt"] == created["expiresAt"]
    assert rotated["epoch"] == 1
    # AND the new token rotates again, and the session is still active
    assert rotate(rotated["refreshToken"])["sessionId"] == created["sessionId"]
    assert check(created)["active"] is True


@pytest.mark.usefixtures("dynamodb")
def test_rotation_is_one_read_and_one_conditional_update() -> None:
    # GIVEN an open session (on the DynamoDB store)
    created = open_session()
    # WHEN it rotates  THEN session and both principals in one BatchGetItem, then the conditional swap
    with dynamodb_calls() as seen:
        rotate(created["refreshToken"])
    assert seen == ["BatchGetItem", "UpdateItem"]


@pytest.mark.usefixtures("dynamodb")
def test_opening_a_session_is_one_read_and_one_conditional_put() -> None:
    with dynamodb_calls() as seen:
        open_session()
    assert seen == ["GetItem", "PutItem"]


def test_reusing_a_rotated_token_revokes_the_whole_session() -> None:
    # GIVEN a token that was rotated
    created = open_session()
    rotated = rotate(created["refreshToken"])
    # WHEN the old token is presented again (it leaked)
    status, err = rotate_fails(created["refreshToken"])
    # THEN 401 INVALID_TOKEN saying reuse was detected
    assert (status, err["code"], err["message"]) == (401, "INVALID_TOKEN", REUSE)
    # AND the session is revoked, so the NEW token stops working too
    assert check(created)["reason"] == "revoked"
    status, err = rotate_fails(rotated["refreshToken"])
    assert (status, err["code"]) == (401, "INVALID_TOKEN")


def test_losing_a_rotation_race_counts_as_reuse(
    monkeypatch: pytest.MonkeyPatch, sessions_store: FakeSessionsStore
) -> None:
    # GIVEN two rotations of the same token that both read the session before either wrote
    created = open_session()
    stale = sessions_store.get_session(TENANT, created["sessionId"])
    winner = rotate(created["refreshToken"])
    real = sessions_store.read_for_check
    monkeypatch.setattr(sessions_store, "read_for_check", lambda *a: (stale, *real(*a)[1:]))
    # WHEN the second one writes, its conditional update fails
    status, err = rotate_fails(created["refreshToken"])
    monkeypatch.undo()
    # THEN it is treated as reuse: 401 and the session (and the winner's token) is revoked
    assert (status, err["code"], err["message"]) == (401, "INVALID_TOKEN", REUSE)
    assert check(created)["reason"] == "revoked"
    assert rotate_fails(winner["refreshToken"])[1]["code"] == "INVALID_TOKEN"


def test_concurrent_rotations_of_one_token_have_one_winner_and_revoke_the_session() -> None:
    # GIVEN one refresh token presented by 8 clients at once (a leaked token racing its owner)
    for _ in range(5):
        created = open_session()
        # each client's gateway request chooses its own next secret
        bodies = [rotate_body(created["refreshToken"]) for _ in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda b: call(sessions_rotate, b), bodies))
        # THEN exactly one rotation wins, every other one is a 401 INVALID_TOKEN
        statuses = sorted(status for status, _ in results)
        assert statuses == [200] + [401] * 7
        assert {envelope["error"]["code"] for status, envelope in results if status == 401} == {
            "INVALID_TOKEN"
        }
        # AND the losers revoked the session, so even the winner's token is dead
        assert check(created)["reason"] == "revoked"


def test_previous_hashes_are_bounded() -> None:
    # GIVEN a session rotated many times
    token = open_session()["refreshToken"]
    first = token
    for _ in range(sessions.PREVIOUS_HASHES_KEPT + 3):
        token = rotate(token)["refreshToken"]
    # THEN only the last few hashes are kept
    session_id = token.split(".")[2]
    stored = stored_session(TENANT, session_id)
    assert stored is not None
    assert len(stored.record.previous_hashes) == sessions.PREVIOUS_HASHES_KEPT
    # AND a too-old token is merely invalid (no longer recognised as reuse), the session survives
    status, err = rotate_fails(first)
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
    assert err["message"] != REUSE


def test_rotating_an_expired_session_is_token_expired() -> None:
    # GIVEN a session whose expiresAt has passed
    created = open_session()
    set_expires_at(TENANT, created["sessionId"], int(time.time()) - 1)
    # WHEN its token is rotated  THEN 401 TOKEN_EXPIRED
    status, err = rotate_fails(created["refreshToken"])
    assert (status, err["code"]) == (401, "TOKEN_EXPIRED")


def test_rotating_a_revoked_sessions_token_is_invalid() -> None:
    created = open_session()
    data(sessions_revoke, {"tenantId": TENANT, "sessionId": created["sessionId"]})
    status, err = rotate_fails(created["refreshToken"])
    assert (status, err["code"]) == (401, "INVALID_TOKEN")


def test_a_token_with_a_tampered_tenant_is_invalid() -> None:
    # GIVEN a session in acme, and globex exists with its own session
    created = open_session()
    open_session(tenant=OTHER_TENANT)
    # WHEN the token's tenant part is changed to globex
    _, user, session_id, secret = created["refreshToken"].split(".")
    status, err = rotate_fails(f"{OTHER_TENANT}.{user}.{session_id}.{secret}")
    # THEN 401 INVALID_TOKEN, and nothing was created under globex
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
    assert stored_session(OTHER_TENANT, session_id) is None
    # AND the real session is unharmed
    assert check(created)["active"] is True


def test_a_wrong_secret_is_invalid_but_does_not_revoke() -> None:
    # GIVEN a session  WHEN someone guesses a secret for its id
    created = open_session()
    tenant, user, session_id, secret = created["refreshToken"].split(".")
    forged = f"{tenant}.{user}.{session_id}.{'A' * len(secret)}"
    status, err = rotate_fails(forged)
    # THEN 401 INVALID_TOKEN, and the owner's session keeps working (a guess proves no leak)
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
    assert rotate(created["refreshToken"])["sessionId"] == session_id


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "acme.u_1.s_x.secret",
        "acme.u_1.s_00000000000000000000000000000000",
        "acme.s_00000000000000000000000000000000." + "a" * 43,  # no user
        "ACME.u_1.s_00000000000000000000000000000000." + "a" * 43,
        "acme.u_1.s_00000000000000000000000000000000." + "a" * 43 + ".extra",
        "acme#x.u_1.s_00000000000000000000000000000000." + "a" * 43,
        "acme.u#1.s_00000000000000000000000000000000." + "a" * 43,
        "acme.u_1.s_00000000000000000000000000000000." + "a" * 43,  # well-formed, unknown session
    ],
)
def test_malformed_or_unknown_tokens_are_invalid_token(token: str) -> None:
    status, err = rotate_fails(token)
    assert (status, err["code"]) == (401, "INVALID_TOKEN")


# --- revoke ------------------------------------------------------------------------------------------
def test_revoke_is_idempotent_and_never_creates_a_session() -> None:
    # GIVEN an open session  WHEN it is revoked twice  THEN both answer revoked: true
    session = open_session()
    body = {"tenantId": TENANT, "sessionId": session["sessionId"]}
    assert data(sessions_revoke, body) == {"revoked": True}
    assert data(sessions_revoke, body) == {"revoked": True}
    # AND revoking an unknown session is fine and leaves no stub item behind
    ghost = new_session_id()
    assert data(sessions_revoke, {"tenantId": TENANT, "sessionId": ghost}) == {"revoked": True}
    assert stored_session(TENANT, ghost) is None


def test_revoke_under_another_tenant_does_not_touch_the_session() -> None:
    # GIVEN acme's session  WHEN globex's caller revokes that id under globex
    session = open_session()
    data(sessions_revoke, {"tenantId": OTHER_TENANT, "sessionId": session["sessionId"]})
    # THEN acme's session is still active
    assert check(session)["active"] is True


def test_the_purge_deletes_expired_sessions_only_and_twice_counts_nothing_twice() -> None:
    import time

    from functions.cache import ports, sessions
    from functions.cache.ports import SessionRecord

    store = ports.store()

    # GIVEN two sessions that expired yesterday and an hour ago, and one still live
    now = int(time.time())
    for sid, expires in (
        ("s_" + "a" * 32, now - 86_400),
        ("s_" + "b" * 32, now - 3600),
        ("s_" + "c" * 32, now + 3600),
    ):
        record = SessionRecord("acme", sid, "u_1", "hash", (), expires, False)
        store.put_session(record, created_at="2026-01-01T00:00:00Z", ip=None, user_agent=None)
    # WHEN the purge runs twice
    first, second = sessions.purge_expired(days=3, limit=100), sessions.purge_expired(days=3, limit=100)
    # THEN the two expired ones went in the first run, nothing in the second, the live one stays
    assert (first.processed_items, second.processed_items) == (2, 0)
    assert store.get_session("acme", "s_" + "a" * 32) is None
    assert store.get_session("acme", "s_" + "c" * 32) is not None
