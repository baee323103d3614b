"""sessions-end-all: a password reset ends every session of the user at once — checks and refresh tokens
of sessions opened before refuse, sessions of other users and sessions opened afterwards work."""

from __future__ import annotations

from functions.cache import (
    sessions_check,
    sessions_create,
    sessions_end_all,
    sessions_rotate,
)
from tests.unit.functions.cache.support import (
    OTHER_TENANT,
    TENANT,
    USER,
    data,
    error,
    rotate_body,
    session_body,
)

BOB = "u_bob"


def opened(user: str = USER, tenant: str = TENANT) -> dict[str, str]:
    return data(sessions_create, session_body(tenant, user))


def check(session: dict[str, str], user: str = USER, tenant: str = TENANT) -> dict[str, object]:
    return data(sessions_check, {"tenantId": tenant, "userId": user, "sessionId": session["sessionId"]})


def test_every_session_opened_before_ends_and_its_refresh_token_stops_working() -> None:
    # GIVEN two sessions of alice, one of bob, and one of an alice of another tenant
    first, second = opened(), opened()
    bob = opened(BOB)
    elsewhere = opened(tenant=OTHER_TENANT)
    # WHEN alice's sessions are ended
    ended = data(sessions_end_all, {"tenantId": TENANT, "userId": USER})
    # THEN both of hers are revoked, with the epoch moved
    assert ended["generation"] == 1
    for session in (first, second):
        state = check(session)
        assert state == {"active": False, "reason": "revoked", "epoch": ended["epoch"]}
    # AND their refresh tokens are refused
    status, err = error(sessions_rotate, rotate_body(first["refreshToken"]))
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
    # AND bob's and the other tenant's alice's are untouched
    assert check(bob, BOB)["active"] is True
    assert check(elsewhere, tenant=OTHER_TENANT)["active"] is True


def test_a_session_opened_after_the_end_works_and_a_second_end_ends_it() -> None:
    # GIVEN alice's sessions were ended, and she logged in again
    opened()
    data(sessions_end_all, {"tenantId": TENANT, "userId": USER})
    fresh = opened()
    # THEN the new session works and rotates
    assert check(fresh)["active"] is True
    rotated = data(sessions_rotate, rotate_body(fresh["refreshToken"]))
    assert rotated["sessionId"] == fresh["sessionId"]
    # WHEN they are ended again THEN it ends too
    assert data(sessions_end_all, {"tenantId": TENANT, "userId": USER})["generation"] == 2
    assert check(fresh)["reason"] == "revoked"


def test_ending_the_sessions_of_a_user_without_any_is_fine() -> None:
    assert data(sessions_end_all, {"tenantId": TENANT, "userId": "u_nobody"})["generation"] == 1


def test_a_bad_tenant_or_user_id_is_400() -> None:
    status, err = error(sessions_end_all, {"tenantId": "NOT A TENANT", "userId": USER})
    assert (status, err["code"]) == (400, "INVALID_REQUEST")
    status, err = error(sessions_end_all, {"tenantId": TENANT, "userId": "u#forged"})
    assert (status, err["code"]) == (400, "INVALID_REQUEST")
