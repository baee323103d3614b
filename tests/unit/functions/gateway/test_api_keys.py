"""API keys: the key's format and checksum, scopes within the creator's permissions, the
authorizer's path for `X-API-Key` (one GetItem, no session), revocation and expiry at once, `lastUsedAt`
at most once a minute, the key's own rate limit — each attack a GIVEN/WHEN/THEN."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from functions.gateway import (
    api_keys,
    api_keys_create,
    api_keys_delete,
    api_keys_list,
    authorizer,
    rate_limits,
)
from shared import service_client
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from tests.kit import FakeServices, call, error_code, refuse, user
from tests.unit.functions.gateway.fakes import FakeApiKeys, FakeCounters

ADMIN = user("u_admin", tenant="acme")
MEMBER = user("u_member", tenant="acme", permissions=("user.read", "apikey.manage"), roles=("keys",))


@pytest.fixture
def tenants(
    monkeypatch: pytest.MonkeyPatch, api_keys_table: FakeApiKeys, counters: FakeCounters
) -> Iterator[FakeServices]:
    monkeypatch.setenv("STRATUS_SECRET_PEPPER", "test-pepper")
    monkeypatch.setenv("STRATUS_RATE_LIMITS", json.dumps({"tenant": [3, 900]}))
    rate_limits.limits.cache_clear()
    fake = FakeServices()
    fake.on(
        "tenants",
        "GET",
        "/internal/tenants/[^/]+/validate",
        lambda r, b: {"tenantId": "acme", "status": "active", "plan": "free"},
    )
    service_client.set_default_transport(fake)
    yield fake
    service_client.set_default_transport(None)


def create(caller: UserContext = ADMIN, **body: Any) -> tuple[int, dict[str, Any]]:
    return call(api_keys_create, body={"name": "ci", "scopes": ["user.read"], **body}, caller=caller)


def decide(headers: dict[str, str], path: str = "/api/v1/users") -> dict[str, Any]:
    event = http_event("GET", path, headers=headers) | {"type": "REQUEST"}
    result: dict[str, Any] = authorizer.handler(event, LocalContext("gateway-authorizer"))
    context: dict[str, Any] = result["context"]
    return context


def test_a_key_has_a_prefix_and_a_checksum() -> None:
    key = api_keys.new_key()
    assert key.startswith("stk_")
    assert len(key) == 40
    assert api_keys.well_formed(key)
    typo = key[:10] + ("a" if key[10] != "a" else "b") + key[11:]
    assert not api_keys.well_formed(typo)
    assert not api_keys.well_formed("stk_short")
    assert not api_keys.well_formed("ghp_" + key[4:])


def calls(api_keys_table: FakeApiKeys, counters: FakeCounters) -> list[str]:
    """What the stores were asked, in order (each one DynamoDB call: test_store_contract)."""
    return api_keys_table.calls + counters.calls


def forget_calls(api_keys_table: FakeApiKeys, counters: FakeCounters) -> None:
    api_keys_table.calls.clear()
    counters.calls.clear()


def test_a_key_acts_in_its_tenant_with_exactly_its_scopes(
    tenants: FakeServices, api_keys_table: FakeApiKeys, counters: FakeCounters
) -> None:
    status, body = create(scopes=["user.read", "file.read"])
    assert status == 201
    created = body["data"]
    assert created["prefix"] == created["key"][:12]
    assert created["expiresAt"] is None
    forget_calls(api_keys_table, counters)
    context = decide({"x-api-key": created["key"]})
    principal = UserContext.from_header(context["userContext"])
    assert (principal.user_id, principal.tenant_id) == (created["keyId"], "acme")
    assert principal.permissions == ("user.read", "file.read")
    assert principal.session_id is None
    # one GetItem on the key's hash (plus lastUsedAt, the first time, and the two rate-limit buckets)
    assert calls(api_keys_table, counters) == ["by_hash", "touch", "hit", "hit"]
    assert [r.path for r in tenants.requests] == ["/internal/tenants/acme/validate"]  # no session check


def test_scopes_beyond_the_creators_permissions_are_403(tenants: FakeServices) -> None:
    # GIVEN a member holding user.read and apikey.manage  WHEN it asks for more  THEN 403
    status, body = create(MEMBER, scopes=["user.read", "user.delete"])
    assert (status, error_code(body)) == (403, "INSUFFICIENT_PERMISSIONS")
    assert body["error"]["details"] == {"scopes": ["user.delete"]}
    assert create(MEMBER, scopes=["user.*"])[0] == 403
    assert create(MEMBER, scopes=["user.read"])[0] == 201
    no_right = user("u_x", tenant="acme", permissions=("user.read",))
    assert create(no_right)[0] == 403


def test_a_revoked_key_is_refused_at_once(tenants: FakeServices) -> None:
    created = create()[1]["data"]
    assert "userContext" in decide({"x-api-key": created["key"]})
    # GIVEN a revoked key  WHEN it is used once more  THEN 401 INVALID_TOKEN
    assert call(api_keys_delete, params={"keyId": created["keyId"]}, caller=ADMIN)[0] == 204
    assert decide({"x-api-key": created["key"]})["errorCode"] == "INVALID_TOKEN"
    assert call(api_keys_delete, params={"keyId": created["keyId"]}, caller=ADMIN)[0] == 404
    assert call(api_keys_list, caller=ADMIN)[1]["data"] == []


def test_an_expired_key_is_401_and_listed_as_expired(tenants: FakeServices) -> None:
    yesterday = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 86400))
    created = create(expiresAt=yesterday)[1]["data"]
    assert decide({"x-api-key": created["key"]})["errorCode"] == "INVALID_TOKEN"
    future = create(expiresAt="2999-12-31T23:59:60Z")[1]["data"]  # a leap second is a date-time too
    assert "userContext" in decide({"x-api-key": future["key"]})
    listed = {k["keyId"]: k["expired"] for k in call(api_keys_list, caller=ADMIN)[1]["data"]}
    assert listed == {created["keyId"]: True, future["keyId"]: False}
    long_ago = create(expiresAt="2020-01-01T00:00:00+02:00")[1]["data"]  # kept 30 days after, then gone
    assert decide({"x-api-key": long_ago["key"]})["errorCode"] == "INVALID_TOKEN"
    assert create(expiresAt="2024-02-30T00:00:00Z")[0] == 400
    assert create(expiresAt="tomorrow")[0] == 400


def test_malformed_keys_cost_no_read_and_other_refusals(
    tenants: FakeServices, api_keys_table: FakeApiKeys, counters: FakeCounters
) -> None:
    assert decide({"x-api-key": "stk_" + "a" * 36})["errorCode"] == "INVALID_TOKEN"
    assert decide({"x-api-key": ""})["errorCode"] == "INVALID_TOKEN"
    assert calls(api_keys_table, counters) == []
    key = create()[1]["data"]["key"]
    both = decide({"x-api-key": key, "authorization": "Bearer x"})
    assert both["errorCode"] == "INVALID_TOKEN"
    assert decide({"x-api-key": key, "x-tenant-id": "globex"})["errorCode"] == "FORBIDDEN"
    tenants.routes.clear()
    tenants.on("tenants", "GET", ".*", lambda r, b: (403, refuse("TENANT_SUSPENDED")))
    assert decide({"x-api-key": key})["errorCode"] == "TENANT_SUSPENDED"


def test_last_used_is_written_at_most_once_a_minute(
    tenants: FakeServices,
    monkeypatch: pytest.MonkeyPatch,
    api_keys_table: FakeApiKeys,
    counters: FakeCounters,
) -> None:
    key = create()[1]["data"]["key"]
    decide({"x-api-key": key})
    first = call(api_keys_list, caller=ADMIN)[1]["data"][0]
    assert first["lastUsedAt"] is not None
    assert "key" not in first
    forget_calls(api_keys_table, counters)
    decide({"x-api-key": key})
    assert calls(api_keys_table, counters) == ["by_hash", "hit", "hit"]  # no write of lastUsedAt
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    forget_calls(api_keys_table, counters)
    decide({"x-api-key": key})
    assert calls(api_keys_table, counters) == ["by_hash", "touch", "hit", "hit"]


def test_a_key_has_its_own_rate_limit(tenants: FakeServices) -> None:
    first, second = create()[1]["data"]["key"], create()[1]["data"]["key"]
    for _ in range(3):
        assert "userContext" in decide({"x-api-key": first})
    assert decide({"x-api-key": first})["errorCode"] == "RATE_LIMITED"
    assert "userContext" in decide({"x-api-key": second})  # another key's bucket


def test_an_apps_routes_count_in_buckets_of_their_own() -> None:
    assert rate_limits._bucket("/api/v1/apps/crm/a/b") == ("apps", ("apps", "crm"))
    assert rate_limits._bucket("/api/v1/apps/Bad#/x") == ("apps", ("apps", "-"))
    assert rate_limits._bucket("/api/v1/users") == ("tenant", ("tenant",))
