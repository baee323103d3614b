"""The public routes: get (platform admin or member), update (tenant admin renames, platform admin changes
plan and quotas), suspend (platform admin; cache first, then tenant.suspended)."""

from __future__ import annotations

import pytest

from functions.tenants import get, ports, suspend, update, validate
from functions.tenants.models import TenantSettings
from functions.tenants.plans import PLANS
from shared.context import UserContext
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.tenants.conftest import (
    PLATFORM_ADMIN,
    FakeCache,
    as_user,
    internal,
    member,
    seed,
    tenant_admin,
)


# --- get ----------------------------------------------------------------------------------------------
def test_a_member_sees_their_tenant_with_usage() -> None:
    seed("acme", plan="standard")
    status, payload = as_user(get, member("acme"), tenantId="acme")
    assert status == 200
    assert payload["data"] == {
        "tenantId": "acme",
        "name": "acme Inc",
        "plan": "standard",
        "status": "active",
        "quotas": PLANS["standard"],
        "usage": {"storageBytes": 0, "users": 0},
        "createdAt": "2025-01-01T00:00:00.000Z",
        "settings": TenantSettings().model_dump(by_alias=True),
    }


def test_a_platform_admin_sees_any_tenant() -> None:
    seed("acme")
    assert as_user(get, PLATFORM_ADMIN, tenantId="acme")[0] == 200


@pytest.mark.parametrize(
    "user",
    [
        member("globex"),
        tenant_admin("globex"),  # `*` in another tenant is not a platform admin
        member("platform"),  # the platform tenant without `*`
    ],
)
def test_anyone_else_gets_404_exactly_as_for_an_unknown_tenant(user: UserContext) -> None:
    # GIVEN acme exists  WHEN a user outside it asks for it
    seed("acme")
    found = as_user(get, user, tenantId="acme")
    unknown = as_user(get, user, tenantId="no-such-tenant")
    # THEN the same 404 as for a tenant that does not exist: its existence is not revealed
    assert found[0] == unknown[0] == 404
    assert found[1]["error"]["code"] == unknown[1]["error"]["code"] == "TENANT_NOT_FOUND"


def test_an_x_tenant_id_header_cannot_override_the_tokens_tenant() -> None:
    seed("acme")
    status, payload = as_user(get, member("globex"), headers={"x-tenant-id": "acme"}, tenantId="acme")
    assert (status, payload["error"]["code"]) == (403, "FORBIDDEN")


def test_public_routes_need_the_authorizers_user() -> None:
    seed("acme")
    status, _ = internal(get, tenantId="acme")  # a service token is not a user
    assert status == 401


# --- update -------------------------------------------------------------------------------------------
def test_a_tenant_admin_renames_their_tenant_and_tenant_updated_is_published(
    events: list[ServiceEvent],
) -> None:
    seed("acme")
    status, payload = as_user(
        update, tenant_admin("acme"), body={"name": "  Acme International "}, tenantId="acme"
    )
    assert status == 200
    assert payload["data"]["name"] == "Acme International"
    [event] = events
    assert event.type == "tenant.updated"
    assert event.data == {"tenantId": "acme", "changes": ["name"], "name": "Acme International"}


@pytest.mark.parametrize(
    "body", [{"plan": "premium"}, {"quotas": {"maxUsers": 1000}}, {"name": "X", "plan": "free"}]
)
def test_a_tenant_admin_may_not_change_plan_or_quotas(
    body: dict[str, object], events: list[ServiceEvent]
) -> None:
    seed("acme")
    status, payload = as_user(update, tenant_admin("acme"), body=body, tenantId="acme")
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")
    record = ports.store().get("acme")
    assert record is not None
    assert (record.name, record.plan, record.quotas) == ("acme Inc", "free", PLANS["free"])
    assert events == []


def test_a_member_without_tenant_write_is_403_and_an_outsider_is_404() -> None:
    seed("acme")
    status, payload = as_user(update, member("acme"), body={"name": "Mine"}, tenantId="acme")
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")
    status, payload = as_user(update, tenant_admin("globex"), body={"name": "Mine"}, tenantId="acme")
    assert (status, payload["error"]["code"]) == (404, "TENANT_NOT_FOUND")


def test_a_platform_admin_changes_the_plan_the_new_defaults_apply_with_overrides_on_top(
    events: list[ServiceEvent],
) -> None:
    # GIVEN a free tenant with a custom user limit
    seed("acme", maxUsers=3)
    # WHEN a platform admin moves it to premium with an explicit storage quota
    body = {"plan": "premium", "quotas": {"storageBytes": 5}}
    status, payload = as_user(update, PLATFORM_ADMIN, body=body, tenantId="acme")
    # THEN premium's defaults replace the old quotas, except the one given
    expected = {**PLANS["premium"], "storageBytes": 5}
    assert status == 200
    assert payload["data"]["plan"] == "premium"
    assert payload["data"]["quotas"] == expected
    # AND tenant.updated lists what changed, tenant.plan_changed carries the quotas now in force
    updated, changed = events
    assert updated.type == "tenant.updated"
    assert updated.tenant_id == "acme"
    assert updated.data["changes"] == [
        "plan",
        "quotas.apiCallsPerDay",
        "quotas.maxFileBytes",
        "quotas.maxUsers",
        "quotas.storageBytes",
    ]
    assert changed.type == "tenant.plan_changed"
    assert changed.data == {"tenantId": "acme", "oldPlan": "free", "newPlan": "premium", "quotas": expected}


def test_quota_overrides_without_a_plan_change_publish_no_plan_changed(events: list[ServiceEvent]) -> None:
    seed("acme")
    status, payload = as_user(update, PLATFORM_ADMIN, body={"quotas": {"maxUsers": 42}}, tenantId="acme")
    assert status == 200
    assert payload["data"]["quotas"] == {**PLANS["free"], "maxUsers": 42}
    assert [(e.type, e.data["changes"]) for e in events] == [("tenant.updated", ["quotas.maxUsers"])]


def test_an_update_that_changes_nothing_publishes_nothing(events: list[ServiceEvent]) -> None:
    seed("acme")
    status, payload = as_user(
        update, PLATFORM_ADMIN, body={"name": "acme Inc", "plan": "free"}, tenantId="acme"
    )
    assert status == 200
    assert payload["data"]["name"] == "acme Inc"
    assert events == []


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"plan": "gold"}, {"status": "active"}, {"quotas": {"maxUsers": -1}}]
)
def test_bad_updates_are_400(body: dict[str, object]) -> None:
    seed("acme")
    status, payload = as_user(update, PLATFORM_ADMIN, body=body, tenantId="acme")
    assert (status, payload["error"]["code"]) == (400, "INVALID_REQUEST")


def test_a_plan_change_while_the_bus_is_down_stands_and_its_events_wait_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch, fake_outbox: InMemoryOutbox
) -> None:
    # GIVEN a free tenant and a bus refusing PutEvents
    seed("acme")

    def bus_down(*_events: ServiceEvent) -> None:
        raise QueueUnavailable("PutEvents refused")

    monkeypatch.setattr(publisher, "send", bus_down)
    # WHEN a platform admin renames it and moves it to standard
    body = {"name": "Acme Two", "plan": "standard"}
    status, payload = as_user(update, PLATFORM_ADMIN, body=body, tenantId="acme")
    # THEN 200 and the change stands; tenant.updated and tenant.plan_changed wait for the drain
    assert (status, payload["data"]["name"], payload["data"]["plan"]) == (200, "Acme Two", "standard")
    assert [e.type for e in fake_outbox.pending] == ["tenant.updated", "tenant.plan_changed"]


def test_a_change_made_meanwhile_is_read_again_so_the_event_names_what_was_written(
    monkeypatch: pytest.MonkeyPatch, events: list[ServiceEvent]
) -> None:
    # GIVEN a first read that misses a rename made meanwhile
    seed("acme")
    stale = ports.store().get("acme")
    assert stale is not None
    ports.store().change_settings(stale, name="Renamed", plan=None, quotas={}, now="2025-01-02T00:00:00.000Z")
    real, reads = ports.store().get, iter([stale])
    monkeypatch.setattr(ports.store(), "get", lambda tenant_id: next(reads, None) or real(tenant_id))
    # WHEN the platform admin changes the plan
    status, _ = as_user(update, PLATFORM_ADMIN, body={"plan": "standard"}, tenantId="acme")
    # THEN the write against the stale read was refused, and the event carries the name that is stored
    assert status == 200
    assert [e.data["name"] for e in events if e.type == "tenant.updated"] == ["Renamed"]


def test_updating_an_unknown_tenant_is_404() -> None:
    status, payload = as_user(update, PLATFORM_ADMIN, body={"name": "X"}, tenantId="nobody")
    assert (status, payload["error"]["code"]) == (404, "TENANT_NOT_FOUND")


# --- suspend ------------------------------------------------------------------------------------------
def test_a_platform_admin_suspends_a_tenant_the_cache_is_told_and_the_event_published(
    cache: FakeCache, events: list[ServiceEvent]
) -> None:
    # GIVEN an active tenant
    seed("acme")
    # WHEN a platform admin suspends it
    status, payload = as_user(suspend, PLATFORM_ADMIN, tenantId="acme")
    # THEN it is suspended, and validate refuses it from now on
    assert status == 200
    assert payload["data"]["status"] == "suspended"
    assert internal(validate, tenantId="acme")[1]["error"]["code"] == "TENANT_SUSPENDED"
    # AND the cache's tenant principal was updated with a service token for cache
    [request] = cache.requests
    assert (request.service, request.method, request.path) == ("cache", "POST", "/internal/principals/tenant")
    assert cache.bodies() == [{"tenantId": "acme", "status": "suspended"}]
    assert request.headers["x-service-name"] == "tenants"
    assert request.headers["x-service-token"]
    # AND tenant.suspended is about acme
    [event] = events
    assert event.type == "tenant.suspended"
    assert event.tenant_id == "acme"
    assert event.data["tenantId"] == "acme"
    assert event.data["reason"]


@pytest.mark.parametrize(
    "user", [tenant_admin("acme"), member("acme"), member("platform"), tenant_admin("globex")]
)
def test_anyone_but_a_platform_admin_is_403_and_nothing_happens(
    user: UserContext, cache: FakeCache, events: list[ServiceEvent]
) -> None:
    seed("acme")
    status, payload = as_user(suspend, user, tenantId="acme")
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")
    assert cache.requests == []
    assert events == []
    assert internal(validate, tenantId="acme")[0] == 200


def test_suspending_an_unknown_or_provisioning_tenant_is_404(
    cache: FakeCache, events: list[ServiceEvent]
) -> None:
    seed("fresh", status="provisioning")
    for tenant_id in ("nobody", "fresh"):
        status, payload = as_user(suspend, PLATFORM_ADMIN, tenantId=tenant_id)
        assert (status, payload["error"]["code"]) == (404, "TENANT_NOT_FOUND")
    assert ports.store().get("nobody") is None
    assert cache.requests == []
    assert events == []


def test_the_platform_tenant_cannot_be_suspended(cache: FakeCache) -> None:
    seed("platform")
    status, payload = as_user(suspend, PLATFORM_ADMIN, tenantId="platform")
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")
    assert cache.requests == []


def test_a_retry_after_the_cache_failed_completes_the_suspension(
    cache: FakeCache, events: list[ServiceEvent], fake_outbox: InMemoryOutbox
) -> None:
    # GIVEN the cache refuses the first time
    seed("acme")
    cache.status = 503
    first = as_user(suspend, PLATFORM_ADMIN, tenantId="acme")
    assert first[0] == 503
    assert events == []
    # AND the error tells the truth: the tenant is still active, and no event waits to announce otherwise
    assert internal(validate, tenantId="acme")[0] == 200
    assert fake_outbox.pending == []
    # WHEN the admin retries with the cache back
    cache.status = 200
    status, _ = as_user(suspend, PLATFORM_ADMIN, tenantId="acme")
    # THEN the cache is told and the event goes out
    assert status == 200
    assert cache.bodies()[-1] == {"tenantId": "acme", "status": "suspended"}
    assert [e.type for e in events] == ["tenant.suspended"]
