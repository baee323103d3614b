"""The tenant's settings (`requireVerifiedEmail`: PATCH by a tenant admin, read by login through validate)
and the platform admins' tenant list (GET /api/v1/tenants?status=&plan=: listing items on gsi1, no Scan)."""

from __future__ import annotations

from typing import Any

import pytest

from functions.tenants import list as list_tenants
from functions.tenants import ports, suspend, update, validate
from shared.events.model import ServiceEvent
from tests import kit
from tests.kit import dynamodb_calls
from tests.unit.functions.tenants.conftest import (
    PLATFORM_ADMIN,
    FakeCache,
    as_user,
    internal,
    member,
    seed,
    tenant_admin,
)


def patch(user: Any, tenant: str, body: Any) -> tuple[int, dict[str, Any]]:
    return as_user(update, user, body=body, tenantId=tenant)


# --- settings ----------------------------------------------------------------------------------------
def test_a_tenant_admin_requires_verified_emails_and_validate_tells_login(events: list[ServiceEvent]) -> None:
    # GIVEN a tenant, whose settings start at their defaults
    seed("acme")
    assert internal(validate, tenantId="acme")[1]["data"]["settings"]["requireVerifiedEmail"] is False
    # WHEN its admin turns requireVerifiedEmail on
    status, payload = patch(tenant_admin("acme"), "acme", {"settings": {"requireVerifiedEmail": True}})
    # THEN the tenant says so, and so does validate (what login reads)
    assert status == 200, payload
    assert payload["data"]["settings"]["requireVerifiedEmail"] is True
    assert internal(validate, tenantId="acme")[1]["data"]["settings"]["requireVerifiedEmail"] is True
    # AND tenant.updated names the setting
    [updated] = events
    assert updated.type == "tenant.updated"
    assert updated.data["changes"] == ["settings.requireVerifiedEmail"]
    # AND turning it on again changes (and publishes) nothing; off again does
    assert patch(tenant_admin("acme"), "acme", {"settings": {"requireVerifiedEmail": True}})[0] == 200
    assert len(events) == 1
    status, payload = patch(PLATFORM_ADMIN, "acme", {"settings": {"requireVerifiedEmail": False}})
    assert payload["data"]["settings"]["requireVerifiedEmail"] is False
    assert len(events) == 2
    assert ports.store().get("acme").settings["requireVerifiedEmail"] is False  # type: ignore[union-attr]


def test_setting_a_default_that_was_never_set_changes_nothing(events: list[ServiceEvent]) -> None:
    seed("acme")
    status, _ = patch(tenant_admin("acme"), "acme", {"settings": {"requireVerifiedEmail": False}})
    assert status == 200
    assert events == []
    assert ports.store().get("acme").settings == {}  # type: ignore[union-attr]


def test_a_member_without_tenant_write_or_another_tenants_admin_cannot_change_settings() -> None:
    seed("acme")
    status, payload = patch(member("acme"), "acme", {"settings": {"requireVerifiedEmail": True}})
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")
    status, payload = patch(tenant_admin("globex"), "acme", {"settings": {"requireVerifiedEmail": True}})
    assert (status, payload["error"]["code"]) == (404, "TENANT_NOT_FOUND")
    assert ports.store().get("acme").settings == {}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"requireVerifiedEmail": None},
        {"requireVerifiedEmail": "true"},
        {"requireVerifiedEmail": 1},
        {"x": True},
    ],
)
def test_bad_settings_are_400(settings: Any) -> None:
    seed("acme")
    status, payload = patch(tenant_admin("acme"), "acme", {"settings": settings})
    assert (status, payload["error"]["code"]) == (400, "INVALID_REQUEST")


# --- the tenant list ---------------------------------------------------------------------------------
def listed(user: Any = PLATFORM_ADMIN, **query: str) -> tuple[int, dict[str, Any]]:
    return kit.call(list_tenants, query=query or None, caller=user)


def ids(user: Any = PLATFORM_ADMIN, **query: str) -> list[str]:
    status, payload = listed(user, **query)
    assert status == 200, payload
    return [t["tenantId"] for t in payload["data"]]


@pytest.fixture
def tenants() -> None:
    seed("acme", plan="standard")
    seed("globex", plan="premium")
    seed("initech", plan="standard", status="suspended")
    seed("umbrella", plan="free", status="provisioning")


@pytest.mark.usefixtures("tenants")
def test_a_platform_admin_lists_every_tenant_by_id_with_quotas_and_usage() -> None:
    status, payload = listed()
    assert status == 200
    assert [t["tenantId"] for t in payload["data"]] == ["acme", "globex", "initech", "umbrella"]
    assert payload["data"][0]["quotas"]["maxUsers"] == 100
    assert payload["data"][0]["usage"] == {"storageBytes": 0, "users": 0}
    assert payload["pagination"]["hasNext"] is False


@pytest.mark.usefixtures("dynamodb", "tenants")
def test_filters_by_status_plan_and_both_read_one_index_partition_never_a_scan() -> None:
    with dynamodb_calls() as calls:
        assert ids(status="active") == ["acme", "globex"]
        assert ids(status="suspended") == ["initech"]
        assert ids(plan="standard") == ["acme", "initech"]  # by status, then id
        assert ids(plan="standard", status="suspended") == ["initech"]
        assert ids(plan="premium", status="suspended") == []
        assert ids(status="provisioning") == ["umbrella"]
    assert "Scan" not in calls
    assert set(calls) <= {"Query", "BatchGetItem"}


@pytest.mark.usefixtures("tenants")
def test_pages_follow_the_cursor_and_a_cursor_of_another_filter_is_400() -> None:
    status, first = listed(pageSize="1", status="active")
    assert [t["tenantId"] for t in first["data"]] == ["acme"]
    cursor = first["pagination"]["nextCursor"]
    assert cursor
    assert first["pagination"]["hasNext"] is True
    status, second = listed(pageSize="1", status="active", cursor=cursor)
    assert [t["tenantId"] for t in second["data"]] == ["globex"]
    assert second["pagination"]["page"] == 2
    assert second["pagination"]["total"] >= 2
    status, payload = listed(pageSize="1", status="suspended", cursor=cursor)
    assert (status, payload["error"]["code"], payload["error"]["field"]) == (400, "INVALID_REQUEST", "cursor")
    status, payload = listed(cursor="not-a-cursor")
    assert (status, payload["error"]["field"]) == (400, "cursor")


def test_a_suspension_and_a_plan_change_move_the_tenant_between_lists(cache: FakeCache) -> None:
    seed("acme", plan="free")
    assert as_user(suspend, PLATFORM_ADMIN, tenantId="acme")[0] == 200
    assert ids(status="active") == []
    assert ids(status="suspended") == ["acme"]
    assert ids(plan="free", status="suspended") == ["acme"]
    assert patch(PLATFORM_ADMIN, "acme", {"plan": "premium"})[0] == 200
    assert ids(plan="free") == []
    assert ids(plan="premium", status="suspended") == ["acme"]


@pytest.mark.usefixtures("tenants")
@pytest.mark.parametrize("user", [tenant_admin("acme"), member("acme"), member("platform")])
def test_anyone_but_a_platform_admin_is_403(user: Any) -> None:
    status, payload = listed(user)
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")


@pytest.mark.parametrize("query", [{"status": "deleted"}, {"plan": "gold"}, {"pageSize": "0"}])
def test_bad_filters_are_400(query: dict[str, str]) -> None:
    status, payload = listed(**query)
    assert (status, payload["error"]["code"]) == (400, "INVALID_REQUEST")


@pytest.mark.usefixtures("dynamodb")
def test_a_discarded_tenant_leaves_no_listing_behind() -> None:
    seed("fresh", status="provisioning")
    ports.store().delete_provisioning("fresh")
    assert ids() == []
    assert ids(status="provisioning") == []
