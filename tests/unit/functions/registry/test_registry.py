"""The registry's rules: registration (reserved and taken names, secrets stored peppered),
heartbeats (another app's token), activity by heartbeat, deregistration, per-tenant enablement and its
events — each attack a GIVEN/WHEN/THEN."""

from __future__ import annotations

import time
from typing import Any

import pytest

from functions.catalog import SERVICES
from functions.registry import apps, deregister, get, heartbeat, ports, register, tenant_services
from functions.registry import list as list_fn
from functions.registry import tenant_services_put as put_fn
from shared import peppered
from shared.config import settings
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import call, error_code
from tests.unit.functions.registry.conftest import ACME_ADMIN, GLOBEX_ADMIN, MEMBER, ROOT

Reply = tuple[int, dict[str, Any]]


def registration(name: str = "crm", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "displayName": "CRM",
        "version": "1.0.0",
        "baseUrl": "https://crm.example.com/api/",
        "endpoints": [{"method": "GET", "path": "/contacts/{id}", "requiredPermission": "crm.read"}],
        "events": ["user.*"],
        "webhookUrl": "https://crm.example.com/hooks",
        **extra,
    }


def registered(name: str = "crm", **extra: Any) -> dict[str, Any]:
    status, body = call(register, body=registration(name, **extra), caller=ROOT)
    assert status == 201, body
    data: dict[str, Any] = body["data"]
    return data


def beat(token: str, body: dict[str, Any] | None = None) -> Reply:
    return call(heartbeat, body=body or {}, headers={"authorization": f"Bearer {token}"})


# --- registration ----------------------------------------------------------------------------------------
def test_every_platform_service_name_is_reserved() -> None:
    assert {s.name for s in SERVICES if s.package == "functions"} <= apps.RESERVED_NAMES


@pytest.mark.parametrize("name", ["tenants", "registry", "apps", "gateway", "auth"])
def test_a_name_of_the_platform_is_409(name: str) -> None:
    # GIVEN a platform service's name  WHEN an app registers with it  THEN 409 CONFLICT
    status, body = call(register, body=registration(name), caller=ROOT)
    assert (status, error_code(body)) == (409, "CONFLICT")


def test_a_taken_name_is_409_until_its_app_is_deregistered() -> None:
    first = registered()
    assert call(register, body=registration(), caller=ROOT)[0] == 409
    assert call(deregister, params={"serviceId": first["serviceId"]}, caller=ROOT)[0] == 204
    second = registered()
    assert second["serviceId"] != first["serviceId"]


@pytest.mark.parametrize("name", ["A", "1crm", "crm_x", "c", "x" * 41])
def test_names_outside_the_pattern_are_400(name: str) -> None:
    assert call(register, body=registration(name), caller=ROOT)[0] == 400


def test_only_platform_admins_register() -> None:
    status, body = call(register, body=registration(), caller=ACME_ADMIN)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    assert call(register, body=registration())[0] == 401


def test_odd_endpoints_are_400_or_taken_never_500() -> None:
    for endpoints in ([], [{"method": "GET", "path": "no-slash"}], [{"method": "get", "path": "/x"}]):
        assert call(register, body=registration(endpoints=endpoints), caller=ROOT)[0] == 400
    twice = [{"method": "GET", "path": "/{a}/{a}"}, {"method": "GET", "path": "/{a}/{a}"}]
    assert call(register, body=registration(endpoints=twice), caller=ROOT)[0] == 201  # the first one serves
    for url in ("http://\u00fc.example", "ftp://x.example", "http://user@x.example", "http://x.example/a b"):
        assert call(register, body=registration("erp", baseUrl=url), caller=ROOT)[0] == 400


def test_secrets_are_shown_once_and_stored_peppered() -> None:
    created = registered()
    record = ports.store().get(created["serviceId"])
    assert record is not None
    stored = repr(record)  # all the store keeps of an app (test_store_contract: the table holds no more)
    for secret in ("registrationToken", "clientSecret", "webhookSecret"):
        assert created[secret] not in stored
    assert record.token_hash == peppered.digest(apps.TOKEN_KIND, created["registrationToken"])
    assert apps.webhook_secret(record) == created["webhookSecret"]
    shown = call(get, params={"serviceId": created["serviceId"]}, caller=ROOT)[1]["data"]
    assert not {"registrationToken", "clientSecret", "webhookSecret"} & set(shown)
    assert shown["baseUrl"] == "https://crm.example.com/api"


# --- heartbeats and activity -----------------------------------------------------------------------------
def test_a_heartbeat_updates_the_app() -> None:
    created = registered()
    status, body = beat(created["registrationToken"], {"version": "1.1.0"})
    assert status == 200
    assert body["data"]["version"] == "1.1.0"
    shown = call(get, params={"serviceId": created["serviceId"]}, caller=ROOT)[1]["data"]
    assert shown["active"] is True
    assert shown["lastHeartbeat"]
    assert shown["version"] == "1.1.0"


def test_a_heartbeat_with_another_apps_token_is_401() -> None:
    # GIVEN two apps  WHEN one heartbeats naming the other, or with a token whose secret is wrong
    crm, erp = registered("crm"), registered("erp")
    claimed = beat(erp["registrationToken"], {"serviceId": crm["serviceId"]})
    named = beat(erp["registrationToken"], {"name": "crm"})
    forged = beat(f"srt_{crm['serviceId']}.{'A' * 43}")
    # THEN 401 INVALID_TOKEN, and nothing changed for the other app
    for status, body in (claimed, named, forged, beat("garbage"), call(heartbeat, body={})):
        assert (status, error_code(body)) == (401, "INVALID_TOKEN")
    assert call(get, params={"serviceId": crm["serviceId"]}, caller=ROOT)[1]["data"]["lastHeartbeat"] is None


def test_an_app_without_heartbeats_is_inactive_and_unlisted(monkeypatch: pytest.MonkeyPatch) -> None:
    created = registered()
    monkeypatch.setenv("STRATUS_APP_HEARTBEAT_TTL", "300")
    settings.cache_clear()
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    assert call(list_fn, caller=ROOT)[1]["data"] == []
    everything = call(list_fn, query={"includeInactive": "true"}, caller=ROOT)[1]["data"]
    assert [(s["serviceId"], s["active"]) for s in everything] == [(created["serviceId"], False)]


def test_deregistration_by_its_own_token_not_anothers() -> None:
    crm, erp = registered("crm"), registered("erp")
    headers = {"authorization": f"Bearer {erp['registrationToken']}"}
    status, body = call(deregister, params={"serviceId": crm["serviceId"]}, headers=headers)
    assert (status, error_code(body)) == (401, "INVALID_TOKEN")
    own = {"authorization": f"Bearer {crm['registrationToken']}"}
    assert call(deregister, params={"serviceId": crm["serviceId"]}, headers=own)[0] == 204
    assert beat(crm["registrationToken"])[0] == 401
    assert (
        call(get, params={"serviceId": crm["serviceId"]}, caller=ROOT)[1]["data"]["status"] == "deregistered"
    )
    assert call(deregister, params={"serviceId": erp["serviceId"]}, caller=ACME_ADMIN)[0] == 403


# --- per tenant ------------------------------------------------------------------------------------------
def put(tenant: str, name: str, body: dict[str, Any], caller: Any = ACME_ADMIN) -> Reply:
    return call(put_fn, params={"tenantId": tenant, "name": name}, body=body, caller=caller)


def test_a_tenant_admin_enables_an_app_with_its_event(published: list[ServiceEvent]) -> None:
    created = registered()
    status, body = put("acme", "crm", {"enabled": True, "config": {"region": "eu"}})
    assert status == 200
    assert body["data"]["enabled"] is True
    [event] = published
    assert event.type == "tenant.service_enabled"
    assert event.tenant_id == "acme"
    assert event.data == {"tenantId": "acme", "serviceId": created["serviceId"], "name": "crm"}
    assert event.user_id == "u_acme_admin"
    listed = call(tenant_services, params={"tenantId": "acme"}, caller=MEMBER)[1]["data"]
    assert [(a["name"], a["enabled"], a["config"]) for a in listed] == [("crm", True, {"region": "eu"})]
    assert put("acme", "crm", {"enabled": False})[0] == 200
    assert published[-1].type == "tenant.service_disabled"


def test_when_the_bus_is_down_the_choice_stands_and_its_event_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch, fake_outbox: InMemoryOutbox
) -> None:
    registered()

    def down(*_: ServiceEvent) -> None:
        raise QueueUnavailable("bus down")

    monkeypatch.setattr(publisher, "send", down)
    assert put("acme", "crm", {"enabled": True})[0] == 200
    [waiting] = fake_outbox.pending  # staged with the choice: the drain publishes it later
    assert waiting.type == "tenant.service_enabled"
    listed = call(tenant_services, params={"tenantId": "acme"}, caller=MEMBER)[1]["data"]
    assert [(a["name"], a["enabled"]) for a in listed] == [("crm", True)]


def test_who_may_see_and_change_a_tenants_apps() -> None:
    registered()
    # another tenant's id is 404 like an unknown one; a member reads but may not change
    assert call(tenant_services, params={"tenantId": "acme"}, caller=GLOBEX_ADMIN)[0] == 404
    assert put("acme", "crm", {"enabled": True}, caller=GLOBEX_ADMIN)[0] == 404
    assert put("acme", "crm", {"enabled": True}, caller=MEMBER)[0] == 403
    assert put("acme", "crm", {"enabled": True}, caller=ROOT)[0] == 200
    assert put("acme", "nobody", {"enabled": True})[0] == 404
    assert put("acme", "crm", {"enabled": "yes"})[0] == 400


def test_an_enablement_does_not_pass_to_a_new_app_with_the_same_name() -> None:
    first = registered()
    assert put("acme", "crm", {"enabled": True})[0] == 200
    call(deregister, params={"serviceId": first["serviceId"]}, caller=ROOT)
    registered()
    listed = call(tenant_services, params={"tenantId": "acme"}, caller=ACME_ADMIN)[1]["data"]
    assert [(a["name"], a["enabled"]) for a in listed] == [("crm", False)]


def test_a_heartbeat_needs_no_body() -> None:
    created = registered()
    status, body = call(heartbeat, headers={"authorization": f"Bearer {created['registrationToken']}"})
    assert status == 200, body
    assert body["data"]["serviceId"] == created["serviceId"]
