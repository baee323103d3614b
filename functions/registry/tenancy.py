"""Which apps a tenant enabled (API.md "Apps": per tenant). The choice and its event
(`tenant.service_enabled` / `tenant.service_disabled`, audited like every `tenant.*` event) are one
transaction (shared.outbox)."""

from __future__ import annotations

import json
import re

from functions.registry import store
from functions.registry.apps import RESERVED_NAMES
from functions.registry.models import APP_NAME_PATTERN, Enablement, TenantApp
from functions.registry.store import EnablementRecord
from shared import outbox
from shared.context import UserContext, require
from shared.envelopes import utc_now_iso
from shared.errors import InvalidRequest, InvalidToken, NotFound, PermissionDenied, TenantNotFound
from shared.events import publisher
from shared.identifiers import TENANT_ID_PATTERN
from shared.permissions import allows, is_platform_admin

MAX_CONFIG_BYTES = 16_384


def _visible(tenant_id: str) -> UserContext:
    """A member of the tenant or a platform admin; another tenant's id is 404 like an unknown one."""
    user = require().user
    if user is None:
        raise InvalidToken("A valid access token is required")
    if not re.fullmatch(TENANT_ID_PATTERN, tenant_id):
        raise InvalidRequest("tenantId: not a tenant id", field="tenantId")
    if not (is_platform_admin(user) or user.tenant_id == tenant_id):
        raise TenantNotFound(details={"tenantId": tenant_id})
    return user


def services(tenant_id: str) -> list[TenantApp]:
    """Every registered app, with this tenant's choice (disabled unless it enabled it)."""
    _visible(tenant_id)
    chosen = {e.service_id: e for e in store.enablements(tenant_id)}
    out = []
    for record in sorted(store.every(), key=lambda r: r.name):
        if record.status != "registered":
            continue
        choice = chosen.get(record.service_id)
        out.append(
            TenantApp(
                service_id=record.service_id,
                name=record.name,
                display_name=record.display_name,
                version=record.version,
                active=record.active(),
                enabled=bool(choice and choice.enabled),
                config=choice.config if choice else None,
                updated_at=choice.updated_at if choice else None,
            )
        )
    return out


def put(tenant_id: str, name: str, body: Enablement) -> TenantApp:
    """Tenant admin (`tenant.write`) of that tenant, or a platform admin."""
    user = _visible(tenant_id)
    if not (is_platform_admin(user) or allows(user.permissions, "tenant.write")):
        raise PermissionDenied("Requires a tenant admin", details={"permission": "tenant.write"})
    if not re.fullmatch(APP_NAME_PATTERN, name) or name in RESERVED_NAMES:
        raise NotFound(f"No app named {name!r}", details={"name": name})
    record = store.by_name(name)
    if record is None or record.status != "registered":
        raise NotFound(f"No app named {name!r}", details={"name": name})
    if body.config is not None and len(json.dumps(body.config)) > MAX_CONFIG_BYTES:
        raise InvalidRequest(f"config: at most {MAX_CONFIG_BYTES} bytes of JSON", field="config")
    now = utc_now_iso()
    choice = EnablementRecord(
        service_id=record.service_id,
        name=record.name,
        enabled=body.enabled,
        config=body.config,
        updated_at=now,
    )
    event_type = "tenant.service_enabled" if body.enabled else "tenant.service_disabled"
    data = {"tenantId": tenant_id, "serviceId": record.service_id, "name": record.name}
    event = publisher.build(event_type, data, tenant_id=tenant_id)
    store.put_enablement(tenant_id, choice, user.user_id, [event])
    outbox.release(event)
    return TenantApp(
        service_id=record.service_id,
        name=record.name,
        display_name=record.display_name,
        version=record.version,
        active=record.active(),
        enabled=body.enabled,
        config=body.config,
        updated_at=now,
    )
