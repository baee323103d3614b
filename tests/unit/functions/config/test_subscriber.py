"""The config subscriber: each tenant's plan from tenants' events (out of order and twice: the newest wins),
and this container's flags made fresh by config.changed."""

from __future__ import annotations

import json
from typing import Any

from functions.config import flags as flags_fn
from functions.config import get, put, subscriber
from shared import aws, config_docs
from shared.config_docs import HEAD, Scope
from tests.kit import call, deliver, event
from tests.unit.functions.config.conftest import ACME_ADMIN, ROOT, given_plan


def plan_changed(tenant: str, old: str, new: str, timestamp: str) -> Any:
    quotas = {"storageBytes": 1, "maxUsers": 1, "maxFileBytes": 1, "apiCallsPerDay": 1}
    data = {"tenantId": tenant, "oldPlan": old, "newPlan": new, "quotas": quotas}
    changed = event("tenant.plan_changed", data, source="tenants", tenant_id=tenant)
    return changed.model_copy(update={"timestamp": timestamp})


def plan_of(tenant: str) -> str | None:
    return config_docs.read_plan(tenant)


def test_a_created_tenants_plan_is_its_plan_scope() -> None:
    given_plan("acme", "standard")
    assert plan_of("acme") == "standard"
    doc = call(get, params={"scope": "tenant", "key": "flags"}, caller=ACME_ADMIN)[1]["data"]
    assert [layer["scope"] for layer in doc["layers"]] == ["platform", "plan:standard", "tenant:acme"]


def test_plan_changes_out_of_order_and_twice_leave_the_newest_plan() -> None:
    # GIVEN acme created on free at t0
    given_plan("acme", "free", timestamp="2024-05-01T10:00:00.000Z")
    newer = plan_changed("acme", "standard", "premium", "2024-05-01T12:00:00.000Z")
    older = plan_changed("acme", "free", "standard", "2024-05-01T11:00:00.000Z")
    # WHEN the newer change arrives first, then the older one, then the newer again
    assert deliver(subscriber, [newer]) == []
    assert deliver(subscriber, [older]) == []
    assert deliver(subscriber, [newer.model_copy(update={"id": "evt_again"})]) == []
    # THEN the plan is the newest
    assert plan_of("acme") == "premium"
    # AND a tenant.created delivered late does not take it back
    given_plan("acme", "free", timestamp="2024-05-01T10:00:00.000Z")
    assert plan_of("acme") == "premium"


def test_a_plan_change_reaches_the_flags_at_once() -> None:
    given_plan("acme", "free", timestamp="2024-05-01T10:00:00.000Z")
    premium_rule = {
        "when_match": True,
        "conditions": [{"action": "EQUALS", "key": "plan", "value": "premium"}],
    }
    body = {"value": {"f": {"default": False, "rules": {"premium": premium_rule}}}}
    assert call(put, params={"scope": "platform", "key": "flags"}, body=body, caller=ROOT)[0] == 200
    assert call(flags_fn, caller=ACME_ADMIN)[1]["data"]["flags"] == {"f": False}
    assert deliver(subscriber, [plan_changed("acme", "free", "premium", "2024-05-02T10:00:00.000Z")]) == []
    assert call(flags_fn, caller=ACME_ADMIN)[1]["data"]["flags"] == {"f": True}


def test_config_changed_makes_this_containers_flags_fresh() -> None:
    # GIVEN acme's flags cached in this container
    assert call(flags_fn, caller=ACME_ADMIN)[1]["data"]["flags"] == {}
    # WHEN another container writes them (straight to the table here) and announces it
    aws.client("dynamodb").put_item(
        TableName=config_docs.table_name(),
        Item={
            "pk": {"S": Scope.tenant("acme").partition("flags")},
            "sk": {"S": HEAD},
            "version": {"N": "1"},
            "value": {"S": json.dumps({"f": {"default": True}})},
        },
    )
    assert call(flags_fn, caller=ACME_ADMIN)[1]["data"]["flags"] == {}  # cached (at most 5 s)
    data = {"scope": "tenant:acme", "key": "flags", "version": 1, "previousVersion": 0, "action": "set"}
    assert deliver(subscriber, [event("config.changed", data, source="config")]) == []
    # THEN the next evaluation here sees the change
    assert call(flags_fn, caller=ACME_ADMIN)[1]["data"]["flags"] == {"f": True}
