"""The hello app's domain: greet the caller in its tenant, count new members, forget tenants that left."""

from __future__ import annotations

from collections.abc import Callable

from apps.hello import store
from apps.hello.models import Greeting
from shared import tenant_purge
from shared.context import require

PURGE_BUDGET_SECONDS = 20.0  # within the subscriber's timeout; an unfinished purge comes back (retried)


def greet() -> Greeting:
    """The caller's tenant is the gate's (shared.app_http): never one the request names itself."""
    ctx = require()
    user = ctx.require_user()
    tenant_id = user.tenant_id
    counted = store.welcomed(tenant_id)
    return Greeting(
        message=f"Welcome, {user.user_id}!",
        tenant_id=tenant_id,
        welcomed=counted.count,
        last_welcomed=counted.last_user_id,
    )


def welcome(tenant_id: str, user_id: str, event_id: str, enabled: Callable[[str], bool]) -> bool:
    """Count a new member of a tenant that enabled the app (others' events are not the app's business)."""
    if not enabled(tenant_id):
        return False
    store.welcome(tenant_id, user_id, event_id)
    return True


def tidy(enabled: Callable[[str], bool]) -> tuple[int, list[str]]:
    """Forget the counts of tenants that disabled the app → (forgotten, errors)."""
    forgotten, errors = 0, []
    for tenant_id in list(store.tenants()):
        try:
            if not enabled(tenant_id):
                store.forget(tenant_id)
                forgotten += 1
        except Exception as exc:  # one tenant's failure must not stop the others; the run reports it
            errors.append(f"{tenant_id}: {exc}")
    return forgotten, errors


def forget_deleted(tenant_id: str) -> int:
    """A deleted tenant's items, all of them, out of the app's table (→ how many). Deletes are idempotent, so
    a purge cut short raises and the queue brings the event back to finish it."""
    purged = tenant_purge.purge_table(store.TABLE, tenant_id, budget_seconds=PURGE_BUDGET_SECONDS)
    if not purged.complete:
        raise RuntimeError(f"{tenant_id}: {purged.removed} items removed, more left: retried")
    return purged.removed
