"""The OIDC provider under in-process moto: its own table and the registry's (the real registry handles
the client lookups: apps are registered and enabled through its own routes), a user directory standing in
for users, and helpers that drive the four endpoints as the gateway would."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from moto import mock_aws

from functions.oidc import authorize, discovery, token, userinfo
from functions.oidc.manifest import SERVICE
from functions.registry import oauth_clients, register, tenant_services_put
from functions.registry.manifest import SERVICE as REGISTRY
from functions.registry.oauth_client_models import ClientQuery
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.declarations import OUTBOX_TABLE
from shared.events import publisher
from shared.service_client import set_default_transport
from stratus.provision import create_table
from tests.kit import FakeServices, call

ROOT = UserContext(user_id="u_root", tenant_id="platform", permissions=("*",), roles=("platform_admin",))
HOST = {"host": "127.0.0.1:3000"}
ISSUER = "http://127.0.0.1:3000"
REDIRECT = "https://app.example.com/callback"


def person(user_id: str, tenant: str) -> UserContext:
    """A signed-in user (a session: not an API key)."""
    return UserContext(
        user_id=user_id,
        tenant_id=tenant,
        permissions=("*",),
        roles=("tenant_admin",),
        session_id=f"s_{user_id}",
    )


ALICE = person("u_alice", "acme")
BOB = person("u_bob", "globex")


@dataclass
class Directory:
    """The users service as the provider sees it: `GET /internal/users/{userId}?tenantId=`."""

    users: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    suspended: set[str] = field(default_factory=set)

    def add(self, user: UserContext, email: str, status: str = "active") -> None:
        self.users[(user.tenant_id, user.user_id)] = {
            "userId": user.user_id,
            "email": email,
            "tenantId": user.tenant_id,
            "status": status,
            "profile": {"name": email.split("@")[0].title()},
            "createdAt": "2026-01-01T00:00:00.000Z",
            "updatedAt": "2026-01-02T00:00:00.000Z",
            "emailVerified": True,
        }

    def tenant(self, request: Any, body: Any) -> Any:
        """tenants `validate`: 403 for a suspended tenant, else active."""
        tenant_id = request.path.split("/")[3]
        if tenant_id in self.suspended:
            return 403, {"code": "TENANT_SUSPENDED", "message": "suspended", "retryable": False}
        return {"tenantId": tenant_id, "status": "active", "plan": "standard"}

    def answer(self, request: Any, body: Any) -> Any:
        user_id = request.path.rsplit("/", 1)[1]
        found = self.users.get((request.query.get("tenantId", ""), user_id)) if request.query else None
        if found is None:
            return 404, {"code": "USER_NOT_FOUND", "message": "no such user", "retryable": False}
        return found


@pytest.fixture
def directory() -> Directory:
    found = Directory()
    found.add(ALICE, "alice@acme.test")
    found.add(BOB, "bob@globex.test")
    return found


@pytest.fixture(autouse=True)
def platform(monkeypatch: pytest.MonkeyPatch, directory: Directory) -> Iterator[FakeServices]:
    monkeypatch.setenv("STRATUS_SECRET_PEPPER", "test-pepper")
    monkeypatch.delenv("STRATUS_OIDC_ISSUER", raising=False)
    monkeypatch.setattr(publisher, "send", lambda *sent: None)
    fake = FakeServices()
    fake.on(
        "registry",
        "POST",
        "/internal/registry/oauth-clients/resolve",
        lambda r, b: oauth_clients.resolve(ClientQuery.model_validate(b)).model_dump(
            by_alias=True, mode="json"
        ),
    )
    fake.on("users", "GET", "/internal/users/[^/]+", directory.answer)
    fake.on("tenants", "GET", "/internal/tenants/[^/]+/validate", directory.tenant)
    set_default_transport(fake)
    with mock_aws():
        for table in (*SERVICE.tables, *REGISTRY.tables, OUTBOX_TABLE):
            create_table(table)
        yield fake
    set_default_transport(None)


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str
    service_id: str
    name: str


def register_app(name: str = "shop", redirect_uris: tuple[str, ...] = (REDIRECT,)) -> App:
    status, body = call(
        register,
        caller=ROOT,
        body={
            "name": name,
            "displayName": name.title(),
            "version": "1.0.0",
            "baseUrl": f"https://{name}.example.com",
            "endpoints": [{"method": "GET", "path": "/hello"}],
            "redirectUris": list(redirect_uris),
        },
    )
    assert status == 201, body
    data = body["data"]
    return App(data["clientId"], data["clientSecret"], data["serviceId"], name)


def enable(app: App, tenant: str, enabled: bool = True) -> None:
    admin = person(f"u_admin_{tenant}", tenant)
    status, body = call(
        tenant_services_put,
        params={"tenantId": tenant, "name": app.name},
        body={"enabled": enabled},
        caller=admin,
    )
    assert status == 200, body


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def redirect(self) -> dict[str, str]:
        """The query of the Location the answer redirects to, one value per name."""
        location = urlsplit(self.headers["Location"])
        return {k: v[0] for k, v in parse_qs(location.query).items()}

    @property
    def location(self) -> str:
        return self.headers["Location"]


def invoke(module: Any, event: dict[str, Any]) -> Answer:
    result = module.handler(event, LocalContext(module.app.function.qualified_name))
    text = result.get("body") or ""
    return Answer(
        int(result["statusCode"]), dict(result.get("headers") or {}), json.loads(text) if text else {}
    )


def authorize_as(user: UserContext | None, query: dict[str, str] | str) -> Answer:
    route = authorize.app.declared
    event = http_event("GET", route.path, route=route, headers=HOST, authorizer=None)
    event["rawQueryString"] = query if isinstance(query, str) else urlencode(query)
    context = {"userContext": user.to_header()} if user else {"errorCode": "INVALID_TOKEN"}
    event["requestContext"]["authorizer"] = {"lambda": context}
    return invoke(authorize, event)


def authorization_request(app: App, challenge: str, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid email profile",
        "state": "st-123",
        "nonce": "n-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def token_request(
    form: dict[str, str], *, basic: tuple[str, str] | None = None, headers: dict[str, str] | None = None
) -> Answer:
    route = token.app.declared
    sent = {**HOST, "content-type": "application/x-www-form-urlencoded", **(headers or {})}
    if basic:
        sent["authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    event = http_event("POST", route.path, route=route, headers=sent, body=urlencode(form))
    return invoke(token, event)


def userinfo_with(access_token: str | None, headers: dict[str, str] | None = None) -> Answer:
    route = userinfo.app.declared
    sent = {**HOST, **(headers or {})}
    if access_token:
        sent["authorization"] = f"Bearer {access_token}"
    return invoke(userinfo, http_event("GET", route.path, route=route, headers=sent))


def discover() -> Answer:
    route = discovery.app.declared
    return invoke(discovery, http_event("GET", route.path, route=route, headers=HOST))


def sign_in(app: App, user: UserContext = ALICE, **extra: str) -> tuple[str, str]:
    """A code for `user` at `app` (enabled for the user's tenant beforehand) → (code, verifier)."""
    verifier, challenge = pkce()
    answer = authorize_as(user, authorization_request(app, challenge, **extra))
    assert answer.status == 302, answer
    return answer.redirect["code"], verifier


def exchange(app: App, code: str, verifier: str, *, secret: str | None = None) -> Answer:
    return token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        basic=(app.client_id, secret or app.client_secret),
    )
