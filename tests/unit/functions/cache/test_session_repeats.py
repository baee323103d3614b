"""sessions-create and sessions-rotate keep no idempotency record: the caller names the session, its
secret and each next secret, so a repeat of a request whose answer was lost (issue #11: "a create whose
first answer is lost and retried produces one record, not a 409 and not two") is answered again — and
nothing else can pass for a repeat. Also what the rotation's one read refuses before it swaps."""

from __future__ import annotations

from typing import Any

from functions.cache import principals_tenant, principals_user, sessions_create, sessions_rotate
from functions.cache.models import new_secret
from tests.unit.functions.cache.fakes import FakeSessionsStore
from tests.unit.functions.cache.support import (
    TENANT,
    USER,
    data,
    error,
    rotate_body,
    session_body,
    stored_session,
)

REUSE = "refresh token reuse detected; the session is revoked"


def _sessions_of(store: FakeSessionsStore, user: str = USER) -> list[str]:
    return [sid for (_, sid), s in store.sessions.items() if s.record.user_id == user]


# --- create ------------------------------------------------------------------------------------------
def test_a_repeated_create_is_answered_again_with_one_session(sessions_store: FakeSessionsStore) -> None:
    # GIVEN a create whose answer was lost  WHEN the same request comes again
    body = session_body()
    first, again = data(sessions_create, body), data(sessions_create, body)
    # THEN the same answer (the same working refresh token), and one session, not two and not a 409
    assert again == first
    assert _sessions_of(sessions_store) == [body["sessionId"]]
    assert data(sessions_rotate, rotate_body(again["refreshToken"]))["sessionId"] == body["sessionId"]


def test_a_taken_session_id_with_another_secret_or_user_is_409() -> None:
    # GIVEN a session  WHEN its id is asked for again with another secret, or for another user
    body = session_body()
    created = data(sessions_create, body)
    for other in ({**body, "refreshSecret": new_secret()}, {**body, "userId": "u_mallory"}):
        status, err = error(sessions_create, other)
        # THEN 409, and the session is the first one's, unchanged
        assert (status, err["code"]) == (409, "CONFLICT")
    stored = stored_session(TENANT, body["sessionId"])
    assert stored is not None
    assert stored.record.user_id == USER
    assert data(sessions_rotate, rotate_body(created["refreshToken"]))["userId"] == USER


# --- rotate ------------------------------------------------------------------------------------------
def _rotated(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    body = rotate_body(token)
    return body, data(sessions_rotate, body)


def test_a_repeated_rotation_is_answered_again_and_revokes_nothing() -> None:
    # GIVEN a rotation whose answer was lost
    created = data(sessions_create, session_body())
    body, first = _rotated(created["refreshToken"])
    # WHEN the same request comes again  THEN the same answer, and the new token works
    assert data(sessions_rotate, body) == first
    _, next_one = _rotated(first["refreshToken"])
    assert next_one["sessionId"] == created["sessionId"]


def test_the_old_token_with_a_secret_of_its_own_is_still_reuse() -> None:
    # GIVEN a rotated token (a thief has the old one, not the secret the owner's rotation chose)
    created = data(sessions_create, session_body())
    _, fresh = _rotated(created["refreshToken"])
    # WHEN the old token is presented with any other next secret
    status, err = error(sessions_rotate, rotate_body(created["refreshToken"]))
    # THEN reuse: 401 and the whole session revoked
    assert (status, err["code"], err["message"]) == (401, "INVALID_TOKEN", REUSE)
    assert error(sessions_rotate, rotate_body(fresh["refreshToken"]))[1]["code"] == "INVALID_TOKEN"


def test_a_repeat_after_a_further_rotation_is_reuse() -> None:
    # GIVEN a rotation, then another from its token
    created = data(sessions_create, session_body())
    body, first = _rotated(created["refreshToken"])
    _rotated(first["refreshToken"])
    # WHEN the first request comes again (no longer the last rotation)  THEN reuse
    status, err = error(sessions_rotate, body)
    assert (status, err["message"]) == (401, REUSE)


def test_a_token_naming_another_user_is_invalid_and_revokes_nothing() -> None:
    # GIVEN alice's session  WHEN her token is presented with bob's id in it
    created = data(sessions_create, session_body())
    tenant, _, session_id, secret = created["refreshToken"].split(".")
    status, err = error(sessions_rotate, rotate_body(f"{tenant}.u_bob.{session_id}.{secret}"))
    # THEN 401 INVALID_TOKEN, and alice's token still rotates
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
    assert err["message"] != REUSE
    assert _rotated(created["refreshToken"])[1]["userId"] == USER


def test_a_suspended_tenant_is_refused_before_the_swap() -> None:
    # GIVEN a session  WHEN its tenant is suspended
    created = data(sessions_create, session_body())
    data(principals_tenant, {"tenantId": TENANT, "status": "suspended"})
    status, err = error(sessions_rotate, rotate_body(created["refreshToken"]))
    # THEN 403 TENANT_SUSPENDED naming the tenant, and the token was not spent
    assert (status, err["code"], err["details"]) == (403, "TENANT_SUSPENDED", {"tenantId": TENANT})
    data(principals_tenant, {"tenantId": TENANT, "status": "active"})
    assert _rotated(created["refreshToken"])[1]["sessionId"] == created["sessionId"]


def test_a_suspended_user_is_refused_and_the_session_revoked() -> None:
    created = data(sessions_create, session_body())
    data(principals_user, {"tenantId": TENANT, "userId": USER, "status": "suspended"})
    status, err = error(sessions_rotate, rotate_body(created["refreshToken"]))
    assert (status, err["code"]) == (403, "USER_SUSPENDED")
    stored = stored_session(TENANT, created["sessionId"])
    assert stored is not None
    assert stored.record.revoked


def test_a_deleted_users_session_is_refused_and_revoked() -> None:
    created = data(sessions_create, session_body())
    data(principals_user, {"tenantId": TENANT, "userId": USER, "status": "deleted"})
    status, err = error(sessions_rotate, rotate_body(created["refreshToken"]))
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
    stored = stored_session(TENANT, created["sessionId"])
    assert stored is not None
    assert stored.record.revoked


def test_the_rotation_answers_the_email_the_session_was_opened_with_and_the_users_epoch() -> None:
    created = data(sessions_create, session_body(email="ada@acme.example"))
    data(principals_user, {"tenantId": TENANT, "userId": USER})
    _, rotated = _rotated(created["refreshToken"])
    assert (rotated["email"], rotated["epoch"]) == ("ada@acme.example", 1)
