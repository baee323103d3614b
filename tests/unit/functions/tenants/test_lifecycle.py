"""create → activate / discard, and validate: the internal routes the gateway's flows are built from."""

from __future__ import annotations

import re

import pytest

from functions.tenants import activate, create, discard, ports, validate
from functions.tenants.models import TenantSettings
from functions.tenants.plans import GIB, MIB, PLANS
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.tenants.conftest import internal, seed

ADMIN = {"adminUserId": "u_01ADMIN", "adminEmail": "it@acme.example"}


def test_create_with_a_given_id_is_provisioning_with_the_plan_quotas_and_zero_usage() -> None:
    # GIVEN a free id  WHEN the gateway creates the tenant
    status, payload = internal(
        create, body={"tenantId": "acme-corp", "name": "Acme Corp", "plan": "standard"}
    )
    # THEN 201 with the tenant, provisioning, standard quotas and nothing used
    assert status == 201
    assert payload["data"] == {
        "tenantId": "acme-corp",
        "name": "Acme Corp",
        "plan": "standard",
        "status": "provisioning",
        "quotas": {
            "storageBytes": 10 * GIB,
            "maxUsers": 100,
            "maxFileBytes": 100 * MIB,
            "apiCallsPerDay": 100_000,
        },
        "usage": {"storageBytes": 0, "users": 0},
        "createdAt": payload["data"]["createdAt"],
        "settings": TenantSettings().model_dump(by_alias=True),
    }
    assert payload["data"]["createdAt"].endswith("Z")


def test_create_without_an_id_generates_slug_and_six_hex() -> None:
    # GIVEN no tenantId  WHEN creating "Ünïcode & Co. GmbH"
    status, payload = internal(create, body={"name": "Ünïcode & Co. GmbH", "plan": "free"})
    # THEN the id is the name's slug plus a random 6-hex suffix
    assert status == 201
    assert re.fullmatch(r"unicode-co-gmbh-[0-9a-f]{6}", payload["data"]["tenantId"])


def test_a_name_without_letters_still_gets_a_valid_generated_id() -> None:
    status, payload = internal(create, body={"name": "日本語 ☃", "plan": "free"})
    assert status == 201
    assert re.fullmatch(r"tenant-[0-9a-f]{6}", payload["data"]["tenantId"])


def test_a_long_name_gives_an_id_within_63_characters() -> None:
    status, payload = internal(create, body={"name": "x" * 100, "plan": "free"})
    assert status == 201
    assert len(payload["data"]["tenantId"]) <= 63


def test_quota_overrides_replace_individual_plan_defaults() -> None:
    body = {"tenantId": "acme", "name": "Acme", "plan": "free", "quotas": {"maxUsers": 5, "storageBytes": 0}}
    status, payload = internal(create, body=body)
    assert status == 201
    assert payload["data"]["quotas"] == {**PLANS["free"], "maxUsers": 5, "storageBytes": 0}


def test_a_taken_id_is_409_and_the_first_tenant_is_untouched() -> None:
    # GIVEN acme exists
    internal(create, body={"tenantId": "acme", "name": "Acme", "plan": "premium"})
    # WHEN another create names the same id
    status, payload = internal(create, body={"tenantId": "acme", "name": "Impostor", "plan": "free"})
    # THEN 409 TENANT_ALREADY_EXISTS and the original stays as it was
    assert status == 409
    assert payload["error"]["code"] == "TENANT_ALREADY_EXISTS"
    assert payload["error"]["field"] == "tenantId"
    stored = ports.store().get("acme")
    assert stored is not None
    assert (stored.name, stored.plan) == ("Acme", "premium")


@pytest.mark.parametrize(
    "body",
    [
        {"tenantId": "Acme", "name": "A", "plan": "free"},  # upper case
        {"tenantId": "ac", "name": "A", "plan": "free"},  # too short
        {"tenantId": "-acme", "name": "A", "plan": "free"},  # leading dash
        {"tenantId": "acme#USER#x", "name": "A", "plan": "free"},  # key forgery
        {"tenantId": "a" * 64, "name": "A", "plan": "free"},  # too long
        {"name": "A", "plan": "gold"},  # unknown plan
        {"name": "   ", "plan": "free"},  # blank name
        {"name": "A\x00B", "plan": "free"},  # control character
        {"name": "A", "plan": "free", "quotas": {"maxUsers": -1}},
        {"name": "A", "plan": "free", "quotas": {"maxUsers": "5"}},  # strings are not amounts
        {"name": "A", "plan": "free", "quotas": {"maxUsers": True}},
        {"name": "A", "plan": "free", "quotas": {"maxUsers": 10**40}},  # beyond DynamoDB numbers
        {"name": "A", "plan": "free", "quotas": {"bogus": 1}},
        {"name": "A", "plan": "free", "status": "active"},  # status is not the caller's to set
        {"plan": "free"},
    ],
)
def test_bad_create_input_is_400(body: dict[str, object]) -> None:
    status, payload = internal(create, body=body)
    assert status == 400
    assert payload["error"]["code"] == "INVALID_REQUEST"


def test_internal_routes_refuse_callers_without_a_service_token() -> None:
    from tests.unit.functions.tenants.conftest import as_user, member

    status, payload = as_user(create, member("acme"), body={"name": "A", "plan": "free"})
    assert (status, payload["error"]["code"]) == (401, "INVALID_TOKEN")


def test_activate_makes_the_tenant_active_and_publishes_tenant_created(events: list[ServiceEvent]) -> None:
    # GIVEN a provisioning tenant
    internal(create, body={"tenantId": "acme", "name": "Acme", "plan": "free"})
    # WHEN its first admin exists and the gateway activates it
    status, payload = internal(activate, body=ADMIN, tenantId="acme")
    # THEN it is active and tenant.created carries the admin and the quotas
    assert status == 200
    assert payload["data"]["status"] == "active"
    [event] = events
    assert event.type == "tenant.created"
    assert event.source == "tenants"
    assert event.tenant_id == "acme"
    assert event.data == {
        "tenantId": "acme",
        "name": "Acme",
        "plan": "free",
        "adminUserId": "u_01ADMIN",
        "adminEmail": "it@acme.example",
        "quotas": PLANS["free"],
    }


def test_activating_again_answers_the_same_and_announces_the_tenant_once(
    events: list[ServiceEvent],
) -> None:
    # GIVEN an activation whose answer was lost (the caller retries)
    internal(create, body={"tenantId": "acme", "name": "Acme", "plan": "free"})
    internal(activate, body=ADMIN, tenantId="acme")
    status, payload = internal(activate, body=ADMIN, tenantId="acme")
    # THEN the retry succeeds, and tenant.created is not announced twice: it was committed with the
    # activation, so the outbox delivers it even if the bus refused it then
    assert status == 200
    assert payload["data"]["status"] == "active"
    assert [e.type for e in events] == ["tenant.created"]


def test_an_activation_while_the_bus_is_down_stands_and_its_event_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch, fake_outbox: InMemoryOutbox
) -> None:
    # GIVEN a provisioning tenant and a bus refusing PutEvents
    internal(create, body={"tenantId": "acme", "name": "Acme", "plan": "free"})

    def bus_down(*_events: ServiceEvent) -> None:
        raise QueueUnavailable("PutEvents refused")

    monkeypatch.setattr(publisher, "send", bus_down)
    # WHEN the gateway activates it
    status, payload = internal(activate, body=ADMIN, tenantId="acme")
    # THEN it is active, and tenant.created waits in the outbox (released by the drain later)
    assert (status, payload["data"]["status"]) == (200, "active")
    assert [e.type for e in fake_outbox.pending] == ["tenant.created"]


def test_activate_unknown_is_404_and_suspended_is_403(events: list[ServiceEvent]) -> None:
    seed("gone-co", status="suspended")
    assert internal(activate, body=ADMIN, tenantId="nobody")[1]["error"]["code"] == "TENANT_NOT_FOUND"
    status, payload = internal(activate, body=ADMIN, tenantId="gone-co")
    assert (status, payload["error"]["code"]) == (403, "TENANT_SUSPENDED")
    assert events == []


@pytest.mark.parametrize(
    "body",
    [
        {"adminUserId": "u_1", "adminEmail": "not-an-email"},
        {"adminUserId": "u_1", "adminEmail": "a..b@x"},
        {"adminUserId": "", "adminEmail": "a@b.example"},
        {"adminEmail": "a@b.example"},
    ],
)
def test_activate_with_bad_admin_details_is_400_and_stays_provisioning(body: dict[str, str]) -> None:
    internal(create, body={"tenantId": "acme", "name": "Acme", "plan": "free"})
    status, payload = internal(activate, body=body, tenantId="acme")
    assert (status, payload["error"]["code"]) == (400, "INVALID_REQUEST")
    assert internal(validate, tenantId="acme")[0] == 404


def test_discard_deletes_a_provisioning_tenant_and_is_idempotent() -> None:
    # GIVEN a tenant whose provisioning failed
    internal(create, body={"tenantId": "acme", "name": "Acme", "plan": "free"})
    # WHEN it is discarded (twice: the caller may retry)
    first = internal(discard, tenantId="acme")
    second = internal(discard, tenantId="acme")
    # THEN both answer discarded, and the id is free again
    assert first[0] == second[0] == 200
    assert first[1]["data"] == second[1]["data"] == {"discarded": True}
    assert internal(create, body={"tenantId": "acme", "name": "Acme 2", "plan": "free"})[0] == 201


def test_an_active_tenant_is_never_discarded() -> None:
    seed("acme")
    status, payload = internal(discard, tenantId="acme")
    assert (status, payload["error"]["field"]) == (409, "tenantId")
    assert internal(validate, tenantId="acme")[0] == 200


def test_validate_answers_status_and_plan_of_an_active_tenant() -> None:
    seed("acme", plan="premium")
    status, payload = internal(validate, tenantId="acme")
    assert status == 200
    assert payload["data"] == {
        "tenantId": "acme",
        "status": "active",
        "plan": "premium",
        "settings": TenantSettings().model_dump(by_alias=True),
    }


@pytest.mark.parametrize(
    ("tenant_status", "http_status", "code"),
    [
        (None, 404, "TENANT_NOT_FOUND"),
        ("provisioning", 404, "TENANT_NOT_FOUND"),
        ("suspended", 403, "TENANT_SUSPENDED"),
    ],
)
def test_validate_refuses_unknown_provisioning_and_suspended_tenants(
    tenant_status: str | None, http_status: int, code: str
) -> None:
    if tenant_status:
        seed("acme", status=tenant_status)
    status, payload = internal(validate, tenantId="acme")
    assert (status, payload["error"]["code"]) == (http_status, code)


@pytest.mark.parametrize("bad", ["ACME", "a", "acme%23USER%23x", "acme..x"])
def test_a_malformed_path_id_is_400_never_500(bad: str) -> None:
    status, payload = internal(validate, tenantId=bad)
    assert (status, payload["error"]["code"]) == (400, "INVALID_REQUEST")
    assert payload["error"]["field"] == "tenantId"
