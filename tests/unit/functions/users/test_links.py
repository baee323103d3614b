"""The users routes behind the emailed links: password reset (request, use once, 30 minutes, every
session ended, lockouts cleared) and email verification (issue, use once, login refused while the
tenant requires it). Tokens are stored hashed and never published."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.users import (
    email_verification_issue,
    email_verify,
    link_tokens,
    password_reset,
    password_reset_request,
    validate_credentials,
)
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.unit.functions.users.support import (
    OTHER_TENANT,
    PASSWORD,
    TENANT,
    Callees,
    body,
    everything_stored,
    internal,
    new_user,
    stored_user,
    table,
)

NEW_PASSWORD = "battery-staple-77"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The links' clock, moved by the test (time travel); starts now."""
    now = [float(int(link_tokens.clock()))]
    monkeypatch.setattr(link_tokens, "clock", lambda: now[0])
    return now


def ask_reset(email: str, tenant: str = TENANT) -> dict[str, Any]:
    result = internal(
        password_reset_request,
        path="/internal/users/password-reset-request",
        payload={"tenantId": tenant, "email": email},
    )
    assert result["statusCode"] == 200, result["body"]
    data: dict[str, Any] = body(result)["data"]
    return data


def reset(token: str, password: str = NEW_PASSWORD, **extra: str) -> dict[str, Any]:
    return internal(
        password_reset,
        path="/internal/users/password-reset",
        payload={"token": token, "newPassword": password, **extra},
    )


def ask_verification(email: str, tenant: str = TENANT) -> dict[str, Any]:
    result = internal(
        email_verification_issue,
        path="/internal/users/email-verification-issue",
        payload={"tenantId": tenant, "email": email},
    )
    assert result["statusCode"] == 200, result["body"]
    data: dict[str, Any] = body(result)["data"]
    return data


def verify(token: str, **extra: str) -> dict[str, Any]:
    return internal(email_verify, path="/internal/users/email-verify", payload={"token": token, **extra})


def login(email: str, password: str, *, require_verified: bool = False) -> dict[str, Any]:
    payload = {"email": email, "password": password, "tenantId": TENANT, "source": "203.0.113.9"}
    if require_verified:
        payload["requireVerifiedEmail"] = True  # type: ignore[assignment]
    return internal(validate_credentials, path="/internal/users/validate-credentials", payload=payload)


def code(result: dict[str, Any]) -> tuple[int, str]:
    return int(result["statusCode"]), str(body(result)["error"]["code"])


def is_verified(user_id: str) -> bool:
    stored = stored_user(user_id)
    assert stored is not None
    return stored.email_verified


def everything_published(events: list[ServiceEvent]) -> str:
    return json.dumps([e.model_dump(mode="json") for e in events])


# --- password reset ----------------------------------------------------------------------------------
def test_a_reset_link_is_issued_for_a_known_address_stored_hashed_and_announced_without_it(
    published: list[ServiceEvent], clock: list[float]
) -> None:
    # GIVEN jane  WHEN a reset is asked for her address (in another case)
    jane = new_user("jane@acme.io")
    published.clear()
    ticket = ask_reset("Jane@ACME.io")
    # THEN a token `<tenant>.<id>.<secret>` valid 30 minutes, for her
    assert ticket["issued"] is True
    assert ticket["userId"] == jane["userId"]
    tenant, token_id, secret = ticket["token"].split(".")
    assert (tenant, token_id) == (TENANT, ticket["tokenId"])
    assert ticket["expiresAt"] == link_tokens.iso(clock[0] + 30 * 60)
    # AND the table holds its sha256, never the secret
    assert secret not in everything_stored()
    assert link_tokens.digest(secret) in everything_stored()
    # AND user.password_reset_requested names her, not the token
    [requested] = published
    assert requested.type == "user.password_reset_requested"
    assert requested.data == {
        "userId": jane["userId"],
        "email": "jane@acme.io",
        "expiresAt": ticket["expiresAt"],
    }
    assert secret not in everything_published(published)


def test_an_unknown_address_gets_the_same_answer_without_a_token_and_nothing_is_stored(
    published: list[ServiceEvent],
) -> None:
    new_user("jane@acme.io")
    published.clear()
    before = everything_stored()
    ticket = ask_reset("nobody@acme.io")
    assert ticket["issued"] is False
    assert set(ticket) == {"issued", "tokenId", "expiresAt"}
    assert ticket["tokenId"].startswith("t_")
    assert everything_stored() == before
    assert published == []


def test_the_link_sets_the_new_password_once_ends_every_session_and_publishes_the_change(
    published: list[ServiceEvent], callees: Callees
) -> None:
    # GIVEN jane asked for a reset
    jane = new_user("jane@acme.io")
    token = ask_reset("jane@acme.io")["token"]
    published.clear()
    # WHEN she uses the link
    result = reset(token)
    # THEN 200, the new password works and the old does not
    assert result["statusCode"] == 200, result["body"]
    assert body(result)["data"] == {"userId": jane["userId"], "tenantId": TENANT}
    assert login("jane@acme.io", NEW_PASSWORD)["statusCode"] == 200
    assert code(login("jane@acme.io", PASSWORD)) == (401, "INVALID_CREDENTIALS")
    # AND cache was told to end every session of hers
    assert callees.sent("/internal/sessions/end-all") == [{"tenantId": TENANT, "userId": jane["userId"]}]
    # AND user.password_changed says it was a reset, and carries no token
    [changed] = published
    assert changed.type == "user.password_changed"
    assert changed.data["reason"] == "reset"
    assert token.split(".")[2] not in everything_published(published)
    # AND the link does not work twice
    assert code(reset(token, "another-password-3")) == (401, "INVALID_TOKEN")
    assert login("jane@acme.io", NEW_PASSWORD)["statusCode"] == 200


def test_a_link_used_after_30_minutes_is_401_token_expired(clock: list[float]) -> None:
    new_user("jane@acme.io")
    token = ask_reset("jane@acme.io")["token"]
    clock[0] += 30 * 60 - 1
    still = reset(token)  # one second before: fine
    assert still["statusCode"] == 200, still["body"]
    token = ask_reset("jane@acme.io")["token"]
    clock[0] += 30 * 60
    assert code(reset(token, "another-password-3")) == (401, "TOKEN_EXPIRED")
    assert login("jane@acme.io", NEW_PASSWORD)["statusCode"] == 200


def test_another_tenants_token_is_refused(callees: Callees) -> None:
    # GIVEN jane in acme and a namesake in globex, and a reset link of acme's jane
    new_user("jane@acme.io")
    new_user("jane@acme.io", tenant=OTHER_TENANT)
    token = ask_reset("jane@acme.io")["token"]
    _tenant, token_id, secret = token.split(".")
    # WHEN the token names globex instead THEN it is no token of globex's
    assert code(reset(f"{OTHER_TENANT}.{token_id}.{secret}")) == (401, "INVALID_TOKEN")
    # AND presented while the client names globex (X-Tenant-ID) it is refused too
    assert code(reset(token, tenantId=OTHER_TENANT)) == (401, "INVALID_TOKEN")
    assert callees.sent("end-all") == []
    # AND it still works for acme
    assert reset(token, tenantId=TENANT)["statusCode"] == 200


@pytest.mark.parametrize(
    "token", ["", "x", "acme.t_00.abc", "acme.inv_" + "0" * 32 + "." + "a" * 43, "a" * 160]
)
def test_anything_that_is_not_a_reset_token_is_401_never_a_500(token: str) -> None:
    result = reset(token)
    assert result["statusCode"] == (400 if not token else 401), result["body"]


def test_a_guessed_secret_for_a_real_token_id_is_401() -> None:
    new_user("jane@acme.io")
    token = ask_reset("jane@acme.io")["token"]
    tenant, token_id, _secret = token.split(".")
    assert code(reset(f"{tenant}.{token_id}.{'A' * 43}")) == (401, "INVALID_TOKEN")
    assert reset(token)["statusCode"] == 200


def test_a_password_changed_since_the_link_was_sent_voids_it() -> None:
    new_user("jane@acme.io")
    first = ask_reset("jane@acme.io")["token"]
    second = ask_reset("jane@acme.io")["token"]
    assert reset(first)["statusCode"] == 200
    assert code(reset(second, "another-password-3")) == (401, "INVALID_TOKEN")


def test_a_weak_new_password_is_400_and_leaves_the_link_usable() -> None:
    new_user("jane@acme.io")
    token = ask_reset("jane@acme.io")["token"]
    weak = reset(token, "short")
    assert code(weak) == (400, "INVALID_REQUEST")
    assert body(weak)["error"]["field"] == "newPassword"
    assert reset(token)["statusCode"] == 200


def test_a_reset_clears_every_lockout_of_the_user() -> None:
    new_user("jane@acme.io")
    for n in range(6):
        login("jane@acme.io", f"wrong-password-{n}")
    assert code(login("jane@acme.io", PASSWORD)) == (423, "ACCOUNT_LOCKED")
    token = ask_reset("jane@acme.io")["token"]
    assert reset(token)["statusCode"] == 200
    assert table().lockouts == {}
    assert login("jane@acme.io", NEW_PASSWORD)["statusCode"] == 200


def test_when_cache_cannot_end_the_sessions_the_reset_is_undone_and_the_link_works_again(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    new_user("jane@acme.io")
    token = ask_reset("jane@acme.io")["token"]
    published.clear()
    callees.fail("end-all", status=503, code="CACHE_UNAVAILABLE")
    failed = reset(token)
    assert failed["statusCode"] == 503
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200  # the old password stands
    assert published == []
    callees.failures.clear()
    assert reset(token)["statusCode"] == 200


# --- email verification ------------------------------------------------------------------------------
def test_a_new_user_is_unverified_until_it_uses_its_link_once(published: list[ServiceEvent]) -> None:
    # GIVEN a new user: unverified
    jane = new_user("jane@acme.io")
    assert not is_verified(jane["userId"])
    # WHEN a verification link is issued and used
    ticket = ask_verification("jane@acme.io")
    assert ticket["issued"] is True
    published.clear()
    used = verify(ticket["token"])
    # THEN she is verified, and user.verified is published (without the token)
    assert used["statusCode"] == 200, used["body"]
    assert is_verified(jane["userId"])
    [verified] = published
    assert verified.type == "user.verified"
    assert verified.data["userId"] == jane["userId"]
    assert ticket["token"].split(".")[2] not in everything_published(published)
    # AND the link does not work twice, and a verified address gets no new link
    assert code(verify(ticket["token"])) == (401, "INVALID_TOKEN")
    assert ask_verification("jane@acme.io")["issued"] is False
    assert ask_verification("nobody@acme.io")["issued"] is False


def test_a_verification_link_expires_after_a_day(clock: list[float]) -> None:
    new_user("jane@acme.io")
    token = ask_verification("jane@acme.io")["token"]
    clock[0] += 24 * 3600
    assert code(verify(token)) == (401, "TOKEN_EXPIRED")


def test_a_reset_token_is_no_verification_token_and_the_reverse() -> None:
    new_user("jane@acme.io")
    reset_token = ask_reset("jane@acme.io")["token"]
    verify_token = ask_verification("jane@acme.io")["token"]
    assert code(verify(reset_token)) == (401, "INVALID_TOKEN")
    assert code(reset(verify_token)) == (401, "INVALID_TOKEN")


def test_where_required_an_unverified_user_cannot_log_in_and_learns_it_only_after_its_password() -> None:
    # GIVEN an unverified user, in a tenant that requires verified addresses
    new_user("jane@acme.io")
    # THEN the right password is 403 USER_INACTIVE, a wrong one the usual 401
    assert code(login("jane@acme.io", PASSWORD, require_verified=True)) == (403, "USER_INACTIVE")
    assert code(login("jane@acme.io", "wrong-password-1", require_verified=True)) == (
        401,
        "INVALID_CREDENTIALS",
    )
    # AND where it is not required she logs in
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200
    # WHEN she verifies THEN she logs in where it is required too
    assert verify(ask_verification("jane@acme.io")["token"])["statusCode"] == 200
    assert login("jane@acme.io", PASSWORD, require_verified=True)["statusCode"] == 200


def test_while_the_bus_is_down_a_reset_stands_and_its_event_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new_user("jane@acme.io")
    token = ask_reset("jane@acme.io")["token"]

    def bus_down(*_events: ServiceEvent) -> None:
        raise QueueUnavailable("the bus is down")

    monkeypatch.setattr(publisher, "send", bus_down)
    waiting = len(table().outbox.pending)
    assert reset(token)["statusCode"] == 200
    [changed] = table().outbox.pending[waiting:]
    assert changed.type == "user.password_changed"
    assert login("jane@acme.io", NEW_PASSWORD)["statusCode"] == 200
