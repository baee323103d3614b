"""The public identity flows with their callees faked (tests.kit.FakeServices): which calls each makes,
with what, and what each refusal leads to — registration (the caller names the user and the seat; the
verification link leaves the request for the subscriber), refresh (one rotation call names the next
secret and answers the session's email; tenants only asked why a tenant is refused) and login (the session
named by the gateway)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from functions.gateway import login, refresh, register, subscriber
from shared.errors import ServiceUnavailable
from shared.service_client import set_default_transport
from tests.kit import FakeServices, call, event, refuse

PASSWORD = "correct-horse-battery-9"
SESSION = "s_" + "0" * 32
TOKEN = "acme.t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3." + "S" * 43
SEAT_OK = {"allowed": True, "used": 1, "limit": 5}
GRANTED = {"userId": "u_ada", "tenantId": "acme", "roles": ["member"], "permissions": ["file.read"]}


@pytest.fixture
def services() -> Iterator[FakeServices]:
    fake = FakeServices()
    fake.on("rbac", "GET", r"/internal/users/u_ada/permissions", lambda r, b: GRANTED)
    fake.on("auth", "POST", "/internal/auth/tokens", lambda r, b: {"accessToken": "jwt", "expiresIn": 900})
    set_default_transport(fake)
    yield fake
    set_default_transport(None)


def trail(services: FakeServices) -> list[tuple[str, str]]:
    return [(r.service, r.path) for r in services.requests]


# --- register ----------------------------------------------------------------------------------------
def _created(r: Any, b: dict[str, Any]) -> dict[str, Any]:
    return {"userId": b["userId"], "email": b["email"], "tenantId": b["tenantId"], "roles": ["member"]}


def test_register_reserves_the_seat_under_the_new_users_id_and_mails_nothing_itself(
    services: FakeServices,
) -> None:
    services.on("tenants", "POST", "/internal/tenants/acme/seats", lambda r, b: SEAT_OK)
    services.on("users", "POST", "/internal/users/create", _created)
    status, payload = call(register, body={"email": "Ada@Acme.io", "password": PASSWORD, "tenantId": "acme"})
    assert status == 201
    # THEN two calls: the seat (refusing an unusable tenant in its read) and the user, one id for both
    assert trail(services) == [
        ("tenants", "/internal/tenants/acme/seats"),
        ("users", "/internal/users/create"),
    ]
    [seat] = services.sent("tenants")
    [created] = services.sent("users")
    assert seat == {"key": created["userId"], "operation": "reserve", "usableOnly": True}
    assert payload["data"]["userId"] == created["userId"]
    # AND the user is a sign-up: user.created will carry verifyEmail (the subscriber mails the link)
    assert (created["email"], created["verifyEmail"]) == ("ada@acme.io", True)


def test_a_failed_create_releases_the_seat_its_key_holds(services: FakeServices) -> None:
    services.on("tenants", "POST", "/internal/tenants/acme/seats", lambda r, b: SEAT_OK)
    services.on("users", "POST", "/internal/users/create", lambda r, b: (409, refuse("USER_ALREADY_EXISTS")))
    status, payload = call(register, body={"email": "ada@acme.io", "password": PASSWORD, "tenantId": "acme"})
    assert (status, payload["error"]["code"]) == (409, "USER_ALREADY_EXISTS")
    reserve, release = services.sent("tenants")
    assert (release["key"], release["operation"]) == (reserve["key"], "release")


def test_an_unusable_tenant_is_refused_by_the_seat_and_nothing_is_created(services: FakeServices) -> None:
    services.on(
        "tenants", "POST", "/internal/tenants/acme/seats", lambda r, b: (403, refuse("TENANT_SUSPENDED"))
    )
    status, payload = call(register, body={"email": "ada@acme.io", "password": PASSWORD, "tenantId": "acme"})
    assert (status, payload["error"]["code"]) == (403, "TENANT_SUSPENDED")
    assert services.sent("users") == []


# --- the sign-up's verification link -----------------------------------------------------------------
def _ticket(r: Any, b: dict[str, Any]) -> dict[str, Any]:
    return {
        "issued": True,
        "tokenId": "t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3",
        "token": TOKEN,
        "userId": "u_ada",
        "expiresAt": "2030-01-01T00:30:00Z",
    }


def _user_created(**extra: Any) -> Any:
    data = {"userId": "u_ada", "email": "ada@acme.io", "tenantId": "acme", "roles": ["member"], **extra}
    return event("user.created", data)


def test_a_sign_up_is_mailed_its_verification_link(services: FakeServices) -> None:
    services.on("users", "POST", "/internal/users/email-verification-issue", _ticket)
    services.on("notification", "POST", "/internal/messages/send", lambda r, b: {"delivered": True})
    subscriber.verify(_user_created(verifyEmail=True))
    [mail] = services.sent("notification")
    assert (mail["template"], mail["to"], mail["token"]) == ("verify_email", "ada@acme.io", TOKEN)


def test_an_admin_or_an_invitee_is_not_asked_to_verify(services: FakeServices) -> None:
    subscriber.verify(_user_created())
    assert services.requests == []


def test_a_passing_failure_is_raised_so_the_event_comes_again(services: FakeServices) -> None:
    services.on(
        "users",
        "POST",
        "/internal/users/email-verification-issue",
        lambda r, b: (503, refuse("SERVICE_UNAVAILABLE", retryable=True)),
    )
    with pytest.raises(ServiceUnavailable):
        subscriber.verify(_user_created(verifyEmail=True))


# --- refresh -----------------------------------------------------------------------------------------
def _rotated(r: Any, b: dict[str, Any]) -> dict[str, Any]:
    token = f"acme.u_ada.{SESSION}.{b['nextSecret']}"
    return {
        "tenantId": "acme",
        "userId": "u_ada",
        "sessionId": SESSION,
        "refreshToken": token,
        "expiresAt": 2_000_000_000,
        "epoch": 3,
        "email": "ada@acme.io",
    }


def test_refresh_is_the_rotation_the_permissions_and_the_token(services: FakeServices) -> None:
    services.on("cache", "POST", "/internal/sessions/rotate", _rotated)
    status, payload = call(refresh, body={"refreshToken": "acme.u_ada.s_x.y"})
    assert status == 200
    assert trail(services) == [
        ("cache", "/internal/sessions/rotate"),
        ("rbac", "/internal/users/u_ada/permissions"),
        ("auth", "/internal/auth/tokens"),
    ]
    # THEN the gateway chose the next secret, and the answer carries the session's email and epoch
    [rotation] = services.sent("cache")
    assert len(rotation["nextSecret"]) == 43
    assert payload["data"]["refreshToken"].endswith(rotation["nextSecret"])
    assert payload["data"]["user"]["email"] == "ada@acme.io"
    [tokens] = services.sent("auth")
    assert (tokens["epoch"], tokens["sessionId"], tokens["reason"]) == (3, SESSION, "refresh")


@pytest.mark.parametrize(
    ("validate", "expected"),
    [
        ((404, refuse("TENANT_NOT_FOUND")), (404, "TENANT_NOT_FOUND")),  # being deleted
        ((403, refuse("TENANT_SUSPENDED")), (403, "TENANT_SUSPENDED")),
        ({"tenantId": "acme", "status": "active", "plan": "free"}, (403, "TENANT_SUSPENDED")),
    ],
)
def test_a_tenant_refused_by_cache_is_explained_by_tenants(
    services: FakeServices, validate: Any, expected: tuple[int, str]
) -> None:
    suspended = refuse("TENANT_SUSPENDED") | {"details": {"tenantId": "acme"}}
    services.on("cache", "POST", "/internal/sessions/rotate", lambda r, b: (403, suspended))
    services.on("tenants", "GET", "/internal/tenants/acme/validate", lambda r, b: validate)
    status, payload = call(refresh, body={"refreshToken": "acme.u_ada.s_x.y"})
    assert (status, payload["error"]["code"]) == expected
    assert services.sent("rbac") == services.sent("auth") == []


# --- login -------------------------------------------------------------------------------------------
def test_login_names_the_session_and_its_secret(services: FakeServices) -> None:
    services.on(
        "tenants",
        "GET",
        "/internal/tenants/acme/validate",
        lambda r, b: {"tenantId": "acme", "status": "active", "plan": "free"},
    )
    services.on(
        "users",
        "POST",
        "/internal/users/validate-credentials",
        lambda r, b: {"userId": "u_ada", "email": "ada@acme.io", "status": "active", "profile": {}},
    )

    def opened(r: Any, b: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        token = f"acme.u_ada.{b['sessionId']}.{b['refreshSecret']}"
        return 201, {
            "sessionId": b["sessionId"],
            "refreshToken": token,
            "expiresAt": 2_000_000_000,
            "epoch": 0,
        }

    services.on("cache", "POST", "/internal/sessions/create", opened)
    status, payload = call(login, body={"email": "ada@acme.io", "password": PASSWORD, "tenantId": "acme"})
    assert status == 200
    [created] = services.sent("cache")
    assert created["sessionId"].startswith("s_")
    assert len(created["refreshSecret"]) == 43
    assert created["email"] == "ada@acme.io"
    assert payload["data"]["refreshToken"].endswith(created["refreshSecret"])
