"""The cache subscriber: seed 000's invalidating events move the epoch the authorizer compares, once."""

from __future__ import annotations

from functions.cache import invalidation, principals, store
from functions.cache import subscriber as cache_subscriber
from tests.kit import deliver, event


def _user_epoch(tenant: str, user_id: str) -> int:
    found = store.get_principal(store.user_pk(tenant, user_id))
    return found.epoch if found else 0


def test_each_invalidating_event_moves_the_users_epoch_once() -> None:
    # GIVEN a user whose token was issued at epoch 1
    principals.bump_user("acme", "u_1", None)
    updated = event("user.updated", {"userId": "u_1", "changes": ["profile"]})
    role = event(
        "rbac.role_changed",
        {"userId": "u_1", "role": "editor", "change": "assigned", "permissions": ["file.read"]},
        source="rbac",
    )
    # WHEN both events arrive
    assert deliver(cache_subscriber, [updated, role]) == []
    # THEN the epoch moved twice, so the authorizer reloads permissions for the old token
    assert _user_epoch("acme", "u_1") == 3


def test_a_redelivered_event_moves_nothing_even_past_the_kernels_idempotency() -> None:
    # GIVEN an event already processed
    updated = event("user.updated", {"userId": "u_1", "changes": ["profile"]})
    invalidation.on_user_changed(updated)
    # WHEN the same event is handled again (the kernel's idempotency record expired or was lost)
    invalidation.on_user_changed(updated)
    deliver(cache_subscriber, [updated])
    # THEN the epoch moved once
    assert _user_epoch("acme", "u_1") == 1


def test_user_deleted_marks_the_principal_deleted() -> None:
    deleted = event("user.deleted", {"userId": "u_2", "email": "gone@acme.test"})
    assert deliver(cache_subscriber, [deleted]) == []
    found = store.get_principal(store.user_pk("acme", "u_2"))
    assert found is not None
    assert found.status == "deleted"


def test_tenant_updated_moves_the_tenants_epoch_only_for_that_tenant() -> None:
    changed = event(
        "tenant.updated", {"tenantId": "acme", "changes": ["name"], "name": "Acme 2"}, source="tenants"
    )
    assert deliver(cache_subscriber, [changed, changed]) == []
    acme = store.get_principal(store.tenant_pk("acme"))
    assert acme is not None
    assert acme.epoch == 1
    assert store.get_principal(store.tenant_pk("globex")) is None
