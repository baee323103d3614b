"""Which apps a tenant enabled (API.md "Apps": per tenant). The choice and its event
(`tenant.service_enabled` / `tenant.service_disabled`, audited like every `tenant.*` event) are one
transaction (shared.outbox). In-repo apps (in_repo.py) are enabled the same way, keyed by their derived id;
their kernel gate (`shared.app_access`) asks `access` below through the registry's typed client."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from functions.registry import in_repo, ports
from functions.registry.apps import RESERVED_NAMES
from functions.registry.models import APP_NAME_PATTERN, AppAccess, AppKind, Enablement, TenantApp
from functions.registry.ports import EnablementRecord
from shared import app_access
from shared.context import UserContext, require
from shared.envelopes import utc_now_iso
from shared.errors import (
    InvalidRequest,
    InvalidToken,
    NotFound,
    PermissionDenied,
    TenantNotFound,
)
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


@dataclass(frozen=True)
class _App:
    """An app a tenant may enable: in-repo or a registered external one."""

    service_id: str
    name: str
    kind: AppKind
    display_name: str
    version: str
    active: bool


def _every_app() -> list[_App]:
    found = [
        _App(a.service_id, a.name, "in-repo", a.display_name, a.version, True)
        for a in in_repo.apps().values()
    ]
    found += [
        _App(r.service_id, r.name, "external", r.display_name, r.version, r.active())
        for r in ports.store().every()
        if r.status == "registered" and in_repo.by_name(r.name) is None
    ]
    return sorted(found, key=lambda a: a.name)


def _app_named(name: str) -> _App | None:
    if not re.fullmatch(APP_NAME_PATTERN, name):
        return None
    found = in_repo.by_name(name)
    if found is not None:
        return _App(found.service_id, found.name, "in-repo", found.display_name, found.version, True)
    if name in RESERVED_NAMES:
        return None
    record = ports.store().by_name(name)
    if record is None or record.status != "registered":
        return None
    return _App(
        record.service_id, record.name, "external", record.display_name, record.version, record.active()
    )


def _tenant_app(app: _App, choice: EnablementRecord | None) -> TenantApp:
    return TenantApp(
        service_id=app.service_id,
        name=app.name,
        kind=app.kind,
        display_name=app.display_name,
        version=app.version,
        active=app.active,
        enabled=bool(choice and choice.enabled),
        config=choice.config if choice else None,
        updated_at=choice.updated_at if choice else None,
    )


def services(tenant_id: str) -> list[TenantApp]:
    """Every app (in-repo and registered), with this tenant's choice (disabled unless it enabled it)."""
    _visible(tenant_id)
    chosen = {e.service_id: e for e in ports.store().enablements(tenant_id)}
    return [_tenant_app(app, chosen.get(app.service_id)) for app in _every_app()]


def access(name: str, tenant_id: str) -> AppAccess:
    """For an in-repo app's kernel gate: only the app itself may ask (its service token names it), so no
    app learns which tenants use another, nor another's configuration."""
    caller = require().caller
    if caller != name:
        raise PermissionDenied(f"{caller} may ask only about itself, not {name!r}")
    found = in_repo.by_name(name)
    if found is None:
        raise NotFound(f"No in-repo app named {name!r}", details={"name": name})
    choice = ports.store().enablement(tenant_id, found.service_id)
    enabled = bool(choice and choice.enabled)
    return AppAccess(
        name=name, tenant_id=tenant_id, enabled=enabled, config=choice.config if choice else None
    )


def put(tenant_id: str, name: str, body: Enablement) -> TenantApp:
    """Tenant admin (`tenant.write`) of that tenant, or a platform admin."""
    user = _visible(tenant_id)
    if not (is_platform_admin(user) or allows(user.permissions, "tenant.write")):
        raise PermissionDenied("Requires a tenant admin", details={"permission": "tenant.write"})
    record = _app_named(name)
    if record is None:
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
    ports.store().put_enablement(tenant_id, choice, user.user_id, [event])
    ports.outbox().release(event)
    # In this container (and in-process: the local runner, the monolith) the gate sees the choice at
    # once; other containers within the gate's cache TTL.
    app_access.forget(record.name, tenant_id)
    return _tenant_app(record, choice)
