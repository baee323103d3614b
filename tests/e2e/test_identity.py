"""Seed 000 scenarios 1 and 2 end to end over HTTP through the local gateway, every API.md error path, and
the attacks on tenant isolation and tokens — each refused."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest

from functions.catalog import registry
from functions.gateway import rate_limits
from shared import access_tokens
from shared.access_tokens import AccessClaims, generate_private_key_pem
from shared.config import settings
from stratus.local import LocalPlatform
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api, aws_calls

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    before = dict(os.environ)
    os.environ.update(
        {
            "STRATUS_ADMIN_EMAIL": ADMIN_EMAIL,
            "STRATUS_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "STRATUS_RATE_LIMITS": json.dumps({"auth": [100000, 900], "tenant": [100000, 900]}),
        }
    )
    rate_limits.limits.cache_clear()
    platform = LocalPlatform(registry(), port=0, emulator_port=0, log=lambda _line: None)
    platform.start()
    yield Api(platform.url)
    platform.stop()
    os.environ.clear()
    os.environ.update(before)
    rate_limits.limits.cache_clear()


@pytest.fixture(scope="module")
def admin_token(api: Api) -> str:
    token: str = api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"]
    return token


@pytest.fixture(scope="module")
def acme(api: Api, admin_token: str) -> str:
    assert api.create_tenant(admin_token, "acme").status == 201
    return "acme"


@pytest.fixture(scope="module")
def globex(api: Api, admin_token: str) -> str:
    assert api.create_tenant(admin_token, "globex").status == 201
    return "globex"


def member(api: Api, tenant: str, name: str) -> dict[str, Any]:
    """A registered, logged-in member: {userId, accessToken, refreshToken, ...}."""
    email = f"{name}@{tenant}.example"
    registered = api.register(email, tenant)
    assert registered.status == 201, registered.body
    return api.login(email, PASSWORD, tenant) | {"userId": registered.body["data"]["userId"], "email": email}


# --- scenario 1 and 2 --------------------------------------------------------------------------------------
def test_register_login_me(api: Api, acme: str) -> None:
    # GIVEN a tenant  WHEN a user registers
    with aws_calls() as register_calls:
        reply = api.register("ada@acme.example", acme)
    # THEN 201 with the default role
    assert reply.status == 201, reply.body
    user = reply.body["data"]
    assert user["roles"] == ["member"]
    assert user["tenantId"] == acme

    # WHEN they log in
    with aws_calls() as login_calls:
        login = api.call(
            "POST",
            "/api/v1/auth/login",
            {"email": "ada@acme.example", "password": PASSWORD, "tenantId": acme},
        )
    assert login.status == 200, login.body
    tokens = login.body["data"]
    assert tokens["tokenType"] == "Bearer"
    assert tokens["expiresIn"] > 0
    assert tokens["user"]["permissions"] == sorted(
        ["user.read", "file.read", "file.upload", "notification.read"]
    )

    # THEN /users/me answers with their record
    with aws_calls() as me_calls:
        me = api.call("GET", "/api/v1/users/me", token=tokens["accessToken"])
    assert me.status == 200, me.body
    assert me.body["data"]["userId"] == user["userId"]
    assert me.body["data"]["email"] == "ada@acme.example"
    assert me.body["data"]["status"] == "active"
    assert "passwordHash" not in json.dumps(me.body)

    # AND no request path scans a table
    for calls in (register_calls, login_calls, me_calls):
        assert not any(op.endswith(":Scan") for op in calls), calls
    print(
        "\nDynamoDB/EventBridge calls — register:",
        dict(register_calls),
        "login:",
        dict(login_calls),
        "me:",
        dict(me_calls),
    )


def test_the_access_token_is_rs256_with_a_kid_published_in_the_jwks(api: Api, acme: str) -> None:
    tokens = member(api, acme, "kid")
    header = jwt.get_unverified_header(tokens["accessToken"])
    jwks = api.call("GET", "/.well-known/jwks.json").body
    assert header["alg"] == "RS256"
    assert header["kid"] in {k["kid"] for k in jwks["keys"]}


# --- API.md error paths ------------------------------------------------------------------------------------
def test_a_duplicate_email_is_409_user_already_exists(api: Api, acme: str) -> None:
    assert api.register("dup@acme.example", acme).status == 201
    again = api.register(" DUP@acme.example ", acme)
    assert again.status == 409
    assert again.body["error"]["code"] == "USER_ALREADY_EXISTS"


def test_an_unknown_tenant_is_404_tenant_not_found(api: Api) -> None:
    reply = api.register("x@nowhere.example", "no-such-tenant")
    assert (reply.status, reply.body["error"]["code"]) == (404, "TENANT_NOT_FOUND")


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("weak@acme.example", "short", "password"),
        ("w@acme.example", "onlyletters", "password"),
    ],
)
def test_bad_email_or_weak_password_is_400_naming_the_field(
    api: Api, acme: str, email: str, password: str, field: str
) -> None:
    reply = api.register(email, acme, password)
    assert reply.status == 400
    assert reply.body["error"]["code"] == "INVALID_REQUEST"
    assert reply.body["error"]["field"] == field


def test_wrong_password_and_unknown_email_are_the_same_401(api: Api, acme: str) -> None:
    member(api, acme, "bob")
    wrong = api.call(
        "POST",
        "/api/v1/auth/login",
        {"email": "bob@acme.example", "password": "wrong-password-1", "tenantId": acme},
    )
    unknown = api.call(
        "POST",
        "/api/v1/auth/login",
        {"email": "nobody@acme.example", "password": "wrong-password-1", "tenantId": acme},
    )
    assert wrong.status == unknown.status == 401
    assert wrong.body["error"]["code"] == unknown.body["error"]["code"] == "INVALID_CREDENTIALS"
    assert wrong.body["error"]["message"] == unknown.body["error"]["message"]


def test_repeated_failures_lock_this_client_out_with_retry_after(api: Api, acme: str) -> None:
    # GIVEN a member  WHEN six wrong passwords come from this client
    member(api, acme, "carol")
    body = {"email": "carol@acme.example", "password": "wrong-password-1", "tenantId": acme}
    codes = [api.call("POST", "/api/v1/auth/login", body).status for _ in range(6)]
    # THEN the sixth is 423, and so is the right password from this client, with Retry-After as a header
    assert codes[:5] == [401] * 5
    assert codes[5] == 423
    right = api.call("POST", "/api/v1/auth/login", body | {"password": PASSWORD})
    assert (right.status, right.body["error"]["code"]) == (423, "ACCOUNT_LOCKED")
    assert 0 < int(right.headers["Retry-After"]) <= 15 * 60


def test_no_token_is_401(api: Api) -> None:
    reply = api.call("GET", "/api/v1/users/me")
    assert (reply.status, reply.body["error"]["code"]) == (401, "INVALID_TOKEN")


# --- attacks ------------------------------------------------------------------------------------------------
def test_a_token_of_tenant_a_with_x_tenant_id_b_is_403(api: Api, acme: str, globex: str) -> None:
    a = member(api, acme, "mallory")
    reply = api.call("GET", "/api/v1/users/me", token=a["accessToken"], X_Tenant_ID=globex)
    assert reply.status == 403


def test_tenant_b_user_ids_are_404_to_tenant_a(api: Api, acme: str, globex: str) -> None:
    a = member(api, acme, "eve")
    b = member(api, globex, "victim")
    for method, path in [
        ("GET", f"/api/v1/users/{b['userId']}"),
        ("GET", f"/api/v1/users/{b['userId']}/permissions"),
    ]:
        reply = api.call(method, path, token=a["accessToken"])
        assert reply.status == 404, (path, reply.body)


def _forge(claims: dict[str, Any], key_pem: str, kid: str, alg: str = "RS256") -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})  # type: ignore[arg-type]


def test_tampered_alg_none_wrong_kid_and_foreign_key_tokens_are_401(api: Api, acme: str) -> None:
    real = member(api, acme, "trent")["accessToken"]
    header, payload, signature = real.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    elevated = (
        base64.urlsafe_b64encode(json.dumps(claims | {"permissions": ["*"]}).encode()).decode().rstrip("=")
    )
    unsigned_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    attacks = {
        "tampered": f"{header}.{elevated}.{signature}",
        "alg none": f"{unsigned_header}.{payload}.",
        "foreign key": _forge(claims, generate_private_key_pem(), settings().jwt_kid),
        "wrong kid": _forge(claims, settings().jwt_private_key or "", "not-our-kid"),
    }
    for name, token in attacks.items():
        reply = api.call("GET", "/api/v1/users/me", token=token)
        assert (reply.status, reply.body["error"]["code"]) == (401, "INVALID_TOKEN"), name


def test_an_expired_token_is_401_token_expired(api: Api, acme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user = member(api, acme, "old")
    claims = access_tokens.verify(user["accessToken"])
    monkeypatch.setenv("STRATUS_ACCESS_TOKEN_TTL", "-60")
    settings.cache_clear()
    expired, _ = access_tokens.issue(AccessClaims.model_validate(claims.model_dump()))
    monkeypatch.delenv("STRATUS_ACCESS_TOKEN_TTL")
    settings.cache_clear()
    reply = api.call("GET", "/api/v1/users/me", token=expired)
    assert (reply.status, reply.body["error"]["code"]) == (401, "TOKEN_EXPIRED")


def test_after_logout_the_tokens_stop_working(api: Api, acme: str) -> None:
    user = member(api, acme, "leaving")
    assert api.call("POST", "/api/v1/auth/logout", token=user["accessToken"]).status == 204
    assert api.call("GET", "/api/v1/users/me", token=user["accessToken"]).status == 401
    assert api.call("POST", "/api/v1/auth/refresh", {"refreshToken": user["refreshToken"]}).status == 401


def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_session(api: Api, acme: str) -> None:
    user = member(api, acme, "rotor")
    first = api.call("POST", "/api/v1/auth/refresh", {"refreshToken": user["refreshToken"]})
    assert first.status == 200, first.body
    fresh = first.body["data"]
    assert fresh["refreshToken"] != user["refreshToken"]
    assert api.call("GET", "/api/v1/users/me", token=fresh["accessToken"]).status == 200
    # WHEN the rotated (old) refresh token is replayed
    replay = api.call("POST", "/api/v1/auth/refresh", {"refreshToken": user["refreshToken"]})
    assert replay.status == 401
    # THEN the whole session is revoked: the new tokens stop working too
    assert api.call("POST", "/api/v1/auth/refresh", {"refreshToken": fresh["refreshToken"]}).status == 401
    assert api.call("GET", "/api/v1/users/me", token=fresh["accessToken"]).status == 401


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c.d", "not-a-refresh-token"])
def test_a_malformed_refresh_token_is_401_invalid_token(api: Api, garbage: str) -> None:
    # WHEN a refresh token that is no refresh token at all (short or long) is presented
    reply = api.call("POST", "/api/v1/auth/refresh", {"refreshToken": garbage})
    # THEN it is an invalid token (API.md), not a malformed request
    assert (reply.status, reply.body["error"]["code"]) == (401, "INVALID_TOKEN")


def test_a_suspended_tenant_is_refused_everywhere_login_included(api: Api, admin_token: str) -> None:
    assert api.create_tenant(admin_token, "initech").status == 201
    user = member(api, "initech", "peter")
    assert api.call("POST", "/api/v1/tenants/initech/suspend", token=admin_token).status == 200
    me = api.call("GET", "/api/v1/users/me", token=user["accessToken"])
    assert (me.status, me.body["error"]["code"]) == (403, "TENANT_SUSPENDED")
    login = api.call(
        "POST", "/api/v1/auth/login", {"email": user["email"], "password": PASSWORD, "tenantId": "initech"}
    )
    assert (login.status, login.body["error"]["code"]) == (403, "TENANT_SUSPENDED")


def test_a_suspended_user_is_refused_on_the_next_request(api: Api, acme: str) -> None:
    admin = api.login("admin@acme.example", PASSWORD, acme)
    user = member(api, acme, "suspect")
    assert (
        api.call("POST", f"/api/v1/users/{user['userId']}/suspend", token=admin["accessToken"]).status == 200
    )
    me = api.call("GET", "/api/v1/users/me", token=user["accessToken"])
    assert (me.status, me.body["error"]["code"]) == (403, "USER_SUSPENDED")


def test_a_role_change_counts_on_the_next_request(api: Api, acme: str) -> None:
    admin = api.login("admin@acme.example", PASSWORD, acme)
    user = member(api, acme, "promoted")
    listing = "/api/v1/users?pageSize=2"
    assert api.call("GET", listing, token=user["accessToken"]).status == 200  # member has user.read
    # WHEN the admin gives them tenant_admin, then takes member and tenant_admin away
    grant = api.call(
        "POST", f"/api/v1/users/{user['userId']}/roles", {"role": "tenant_admin"}, token=admin["accessToken"]
    )
    assert grant.status == 200, grant.body
    for role in ("tenant_admin", "member"):
        removed = api.call(
            "DELETE", f"/api/v1/users/{user['userId']}/roles/{role}", token=admin["accessToken"]
        )
        assert removed.status == 200, removed.body
    # THEN the same, unexpired token no longer lists users
    denied = api.call("GET", listing, token=user["accessToken"])
    assert (denied.status, denied.body["error"]["code"]) == (403, "PERMISSION_DENIED")


# --- concurrency --------------------------------------------------------------------------------------------
def test_parallel_registrations_of_one_email_make_exactly_one_user(api: Api, acme: str) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _n: api.register("race@acme.example", acme).status, range(8)))
    assert sorted(statuses) == [201] + [409] * 7


def test_parallel_registrations_never_exceed_the_user_quota(api: Api, admin_token: str) -> None:
    assert api.create_tenant(admin_token, "tiny", quotas={"maxUsers": 4}).status == 201  # the admin is 1 of 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda n: api.register(f"u{n}@tiny.example", "tiny"), range(8)))
    assert sorted(r.status for r in replies) == [201] * 3 + [403] * 5
    assert {r.body["error"]["code"] for r in replies if r.status == 403} == {"TENANT_QUOTA_EXCEEDED"}
    tenant = api.call("GET", "/api/v1/tenants/tiny", token=admin_token).body["data"]
    assert tenant["usage"]["users"] == 4


def test_over_the_rate_limit_is_429_with_retry_after(
    api: Api, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = member(api, acme, "chatty")
    monkeypatch.setenv("STRATUS_RATE_LIMITS", json.dumps({"auth": [100000, 900], "tenant": [2, 900]}))
    rate_limits.limits.cache_clear()
    try:
        replies = [api.call("GET", "/api/v1/users/me", token=user["accessToken"]) for _ in range(5)]
    finally:
        monkeypatch.undo()
        rate_limits.limits.cache_clear()
    limited = [r for r in replies if r.status == 429]
    assert limited, "no request was limited"
    assert limited[0].body["error"]["code"] == "RATE_LIMITED"
    assert int(limited[0].headers["Retry-After"]) > 0


def test_no_public_operation_scans_and_each_makes_few_calls(api: Api, admin_token: str) -> None:
    """The AWS calls each public operation makes (printed with -s; the closing note quotes them)."""
    assert api.create_tenant(admin_token, "umbrella").status == 201
    admin = api.login("admin@umbrella.example", PASSWORD, "umbrella")
    token = admin["accessToken"]
    user_id = admin["user"]["userId"]
    operations: list[tuple[str, str, str, Any, str | None]] = [
        (
            "register",
            "POST",
            "/api/v1/auth/register",
            {"email": "new@umbrella.example", "password": PASSWORD, "tenantId": "umbrella"},
            None,
        ),
        (
            "login",
            "POST",
            "/api/v1/auth/login",
            {"email": "new@umbrella.example", "password": PASSWORD, "tenantId": "umbrella"},
            None,
        ),
        ("users/me", "GET", "/api/v1/users/me", None, token),
        ("users list", "GET", "/api/v1/users?pageSize=10", None, token),
        ("users get", "GET", f"/api/v1/users/{user_id}", None, token),
        ("users patch", "PATCH", f"/api/v1/users/{user_id}", {"profile": {"name": "Alice"}}, token),
        ("permissions", "GET", f"/api/v1/users/{user_id}/permissions", None, token),
        ("roles list", "GET", "/api/v1/roles", None, token),
        ("roles create", "POST", "/api/v1/roles", {"name": "viewer", "permissions": ["user.read"]}, token),
        ("tenant get", "GET", "/api/v1/tenants/umbrella", None, token),
        ("tenant patch", "PATCH", "/api/v1/tenants/umbrella", {"name": "Umbrella Corp"}, token),
        ("refresh", "POST", "/api/v1/auth/refresh", {"refreshToken": admin["refreshToken"]}, None),
    ]
    table = []
    for name, method, path, body, bearer in operations:
        with aws_calls() as calls:
            reply = api.call(method, path, body, token=bearer)
        assert reply.status < 300, (name, reply.body)
        assert not any(op.endswith(":Scan") for op in calls), (name, calls)
        dynamodb = sum(n for op, n in calls.items() if op.startswith("dynamodb:"))
        table.append(f"{name:14} {dynamodb:2} DynamoDB  {dict(sorted(calls.items()))}")
    print("\n" + "\n".join(table))
