"""The store contract (`ports.TenantsStore`), run on both adapters: the DynamoDB store over moto and the
in-memory fake the domain tests use. What the domain relies on — conditions decided by the store, events
staged with the write — holds on both, so a domain test on the fake means what it says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from functions.tenants import store as dynamodb_store
from functions.tenants.plans import quotas_for
from functions.tenants.ports import ConditionFailed, TenantRecord, TenantsStore
from shared import outbox
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import event
from tests.unit.functions.tenants.fakes import FakeTenantsStore

NOW = "2025-01-02T00:00:00.000Z"


@dataclass
class Adapter:
    store: TenantsStore
    pending: Callable[[], int]


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Adapter:
    if request.param == "fake":
        return Adapter(FakeTenantsStore(fake_outbox), lambda: len(fake_outbox.pending))
    request.getfixturevalue("dynamodb")
    return Adapter(dynamodb_store, outbox.pending_count)


def tenant(tenant_id: str = "acme", *, status: str = "active", plan: str = "free") -> TenantRecord:
    return TenantRecord(
        tenant_id=tenant_id,
        name=f"{tenant_id} Inc",
        plan=plan,
        status=status,
        quotas=quotas_for(plan, {"maxUsers": 5}),
        usage={"storageBytes": 0, "users": 0},
        created_at=NOW,
        updated_at=NOW,
    )


def suspended_event() -> ServiceEvent:
    return event("tenant.suspended", {"tenantId": "acme", "reason": "test"}, source="tenants")


def test_an_id_is_taken_once(adapter: Adapter) -> None:
    adapter.store.put_new(tenant())
    with pytest.raises(ConditionFailed):
        adapter.store.put_new(tenant())
    found = adapter.store.get("acme")
    assert found is not None
    assert (found.name, found.status) == ("acme Inc", "active")
    assert adapter.store.get("nobody") is None


def test_a_status_changes_only_from_an_allowed_one_and_its_event_is_staged_with_it(adapter: Adapter) -> None:
    adapter.store.put_new(tenant())
    suspended = suspended_event()
    with pytest.raises(ConditionFailed):
        adapter.store.set_status("acme", "suspended", when=("provisioning",), now=NOW, events=[suspended])
    assert adapter.pending() == 0
    after = adapter.store.set_status("acme", "suspended", when=("active",), now=NOW, events=[suspended])
    assert after.status == "suspended"
    assert adapter.pending() == 1
    # AND undoing it takes the event back out, in the same write
    adapter.store.set_status("acme", "active", when=("suspended",), now=NOW, withdraw=[suspended])
    assert adapter.pending() == 0
    with pytest.raises(ConditionFailed):
        adapter.store.set_status("nobody", "active", when=("suspended",), now=NOW)


def test_a_change_against_a_stale_read_is_refused(adapter: Adapter) -> None:
    adapter.store.put_new(tenant())
    read = adapter.store.get("acme")
    assert read is not None
    adapter.store.change_settings(read, name="Renamed", plan=None, quotas={}, now=NOW)
    with pytest.raises(ConditionFailed):
        adapter.store.change_settings(read, name="Other", plan=None, quotas={}, now=NOW)
    fresh = adapter.store.get("acme")
    assert fresh is not None
    assert fresh.name == "Renamed"
    changed = adapter.store.change_settings(
        fresh,
        name=None,
        plan="standard",
        quotas={"maxUsers": 9},
        now=NOW,
        switches={"requireMfaForAdmins": True},
    )
    assert (changed.plan, changed.quotas["maxUsers"], changed.settings) == (
        "standard",
        9,
        {"requireMfaForAdmins": True},
    )


def test_usage_moves_only_within_the_limit_read_and_never_below_zero(adapter: Adapter) -> None:
    adapter.store.put_new(tenant())
    assert adapter.store.add_usage("acme", "users", "maxUsers", 5, 5).usage["users"] == 5
    with pytest.raises(ConditionFailed):
        adapter.store.add_usage("acme", "users", "maxUsers", 1, 5)  # over
    with pytest.raises(ConditionFailed):
        adapter.store.add_usage("acme", "users", "maxUsers", 1, 6)  # a limit that is not the stored one
    assert adapter.store.subtract_usage("acme", "users", 2).usage["users"] == 3
    with pytest.raises(ConditionFailed):
        adapter.store.subtract_usage("acme", "users", 4)
    previous, _ = adapter.store.set_usage("acme", "users", 1)
    assert previous == 3
    current = adapter.store.get("acme")
    assert current is not None
    assert current.usage["users"] == 1
    with pytest.raises(ConditionFailed):
        adapter.store.add_usage("nobody", "users", "maxUsers", 1, 5)


def test_only_a_provisioning_tenant_is_discarded(adapter: Adapter) -> None:
    adapter.store.put_new(tenant("acme"))
    adapter.store.put_new(tenant("fresh", status="provisioning"))
    with pytest.raises(ConditionFailed):
        adapter.store.delete_provisioning("acme")
    adapter.store.delete_provisioning("fresh")
    adapter.store.delete_provisioning("fresh")  # absent: fine
    assert adapter.store.get("fresh") is None


def test_lists_and_the_directory_are_paged_in_their_order(adapter: Adapter) -> None:
    for tenant_id, status, plan in [
        ("acme", "active", "standard"),
        ("globex", "active", "premium"),
        ("initech", "suspended", "standard"),
    ]:
        adapter.store.put_new(tenant(tenant_id, status=status, plan=plan))
    assert adapter.store.listed(status=None, plan="standard", page_size=10, cursor=None) == (
        ["acme", "initech"],
        None,
    )
    assert adapter.store.listed(status="suspended", plan="standard", page_size=10, cursor=None)[0] == [
        "initech"
    ]
    first, cursor = adapter.store.listed(status="active", plan=None, page_size=1, cursor=None)
    assert first == ["acme"]
    assert cursor is not None
    assert adapter.store.listed(status="active", plan=None, page_size=1, cursor=cursor) == (["globex"], None)
    ids, last = adapter.store.tenant_ids(page_size=2, after=None)
    assert (ids, last) == (["acme", "globex"], "globex")
    assert adapter.store.tenant_ids(page_size=2, after=last) == (["initech"], None)
    assert [t.tenant_id for t in adapter.store.get_many(["initech", "nobody", "acme"])] == ["initech", "acme"]
