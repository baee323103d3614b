"""The gateway's authorizer: what it lets through, and the exact refusal it hands the function."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from functions.gateway import authorizer, rate_limits
from shared import access_tokens, service_client
from shared.access_tokens import AccessClaims
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.service_client import IncomingResponse, OutgoingRequest

SESSION = "s_" + "1" * 32


class Callees:
    """cache and rbac as the authorizer sees them."""

    def __init__(self) -> None:
        self.session: dict[str, Any] = {"active": True, "epoch": 0}
        self.permissions = {"roles": ["member"], "permissions": ["user.read"]}
        self.user = {"userId": "u_1", "tenantId": "acme"}
        self.sent: list[OutgoingRequest] = []

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.sent.append(request)
        data = self.session if request.service == "cache" else self.user | self.permissions
        return IncomingResponse(200, {"success": True, "data": data})


@pytest.fixture
def callees(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callees]:
    fake = Callees()
    service_client.set_default_transport(fake)
    monkeypatch.setenv("STRATUS_RATE_LIMITS", json.dumps({"tenant": [3, 900]}))
    rate_limits.limits.cache_clear()
    yield fake
    service_client.set_default_transport(None)


def token(epoch: int = 0, tenant: str = "acme") -> str:
    claims = AccessClaims(
        sub="u_1", tenant_id=tenant, roles=("member",), permissions=("user.read",), sid=SESSION, epoch=epoch
    )
    return access_tokens.issue(claims)[0]


def decide(headers: dict[str, str]) -> dict[str, Any]:
    event = http_event("GET", "/api/v1/users/me", headers=headers) | {"type": "REQUEST"}
    result: dict[str, Any] = authorizer.handler(event, LocalContext("gateway-authorizer"))
    assert result["isAuthorized"] is True  # always: the function answers with the exact error
    context: dict[str, Any] = result["context"]
    return context


def test_a_valid_token_and_session_pass_the_verified_user(callees: Callees) -> None:
    context = decide({"authorization": f"Bearer {token()}"})
    user = UserContext.from_header(context["userContext"])
    assert (user.user_id, user.tenant_id, user.session_id) == ("u_1", "acme", SESSION)
    assert user.permissions == ("user.read",)
    assert [r.path for r in callees.sent] == ["/internal/sessions/check"]  # no rbac call: epoch unchanged


def test_a_moved_epoch_fetches_fresh_permissions(callees: Callees) -> None:
    callees.session = {"active": True, "epoch": 2}
    callees.permissions = {"roles": [], "permissions": []}
    context = decide({"authorization": f"Bearer {token(epoch=1)}"})
    assert UserContext.from_header(context["userContext"]).permissions == ()
    assert callees.sent[-1].path == "/internal/users/u_1/permissions"


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("revoked", "INVALID_TOKEN"),
        ("expired", "INVALID_TOKEN"),
        ("user_deleted", "INVALID_TOKEN"),
        ("user_suspended", "USER_SUSPENDED"),
        ("tenant_suspended", "TENANT_SUSPENDED"),
    ],
)
def test_an_ended_session_is_refused_with_its_reason(callees: Callees, reason: str, code: str) -> None:
    callees.session = {"active": False, "reason": reason, "epoch": 0}
    assert decide({"authorization": f"Bearer {token()}"})["errorCode"] == code


@pytest.mark.parametrize(
    "header", [{}, {"authorization": "Basic abc"}, {"authorization": "Bearer not.a.jwt"}]
)
def test_no_or_garbled_token_is_invalid_token_without_any_call(
    callees: Callees, header: dict[str, str]
) -> None:
    assert decide(header)["errorCode"] == "INVALID_TOKEN"
    assert callees.sent == []


def test_another_tenants_header_is_forbidden_before_any_call(callees: Callees) -> None:
    context = decide({"authorization": f"Bearer {token()}", "x-tenant-id": "globex"})
    assert context["errorCode"] == "FORBIDDEN"
    assert callees.sent == []


def test_the_tenants_rate_limit_refuses_with_retry_after(callees: Callees) -> None:
    headers = {"authorization": f"Bearer {token()}"}
    contexts = [decide(headers) for _ in range(4)]
    assert "userContext" in contexts[2]
    assert contexts[3]["errorCode"] == "RATE_LIMITED"
    assert int(contexts[3]["retryAfter"]) > 0
    # another tenant has its own window
    assert "userContext" in decide({"authorization": f"Bearer {token(tenant='globex')}"})


def test_a_signed_token_naming_no_session_cache_could_open_is_refused_without_a_call(
    callees: Callees,
) -> None:
    claims = AccessClaims(sub="u_1", tenant_id="acme", roles=(), permissions=(), sid="s_1", epoch=0)
    context = decide({"authorization": f"Bearer {access_tokens.issue(claims)[0]}"})
    assert context["errorCode"] == "INVALID_TOKEN"
    assert callees.sent == []


def test_the_check_carries_the_tokens_epoch_and_both_buckets_callers_first(callees: Callees) -> None:
    # GIVEN a cache that counts the request in the buckets it is sent (one DynamoDB call there)
    callees.session = {"active": True, "epoch": 0, "counted": True}
    # WHEN a request is authorized
    context = decide({"authorization": f"Bearer {token()}"})
    # THEN one call to cache, with the token's epoch and the route class's buckets, the caller's first ...
    assert "userContext" in context
    [sent] = callees.sent
    body = json.loads(sent.body or b"{}")
    assert body["epoch"] == 0
    assert [b["scope"] for b in body["buckets"]] == ["caller", "tenant"]
    assert body["buckets"][0]["parts"] == ["tenant", "USER", "u_1"]
    assert (body["buckets"][0]["limit"], body["buckets"][1]["limit"]) == (3, 30)
    # ... and the gateway does not count it again in its own table
    assert rate_limits.limits()["tenant"].requests == 3
    for _ in range(5):
        assert "userContext" in decide({"authorization": f"Bearer {token()}"})


def test_a_bucket_cache_found_full_is_a_429_with_its_retry_after(callees: Callees) -> None:
    callees.session = {
        "active": True,
        "epoch": 0,
        "counted": True,
        "limited": "tenant",
        "limit": 30,
        "windowSeconds": 900,
        "retryAfter": 12,
    }
    context = decide({"authorization": f"Bearer {token()}"})
    assert (context["errorCode"], context["retryAfter"]) == ("RATE_LIMITED", "12")
