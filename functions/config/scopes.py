"""Who may address which scope, and the scope a path names.

    platform          platform admins (users of the reserved tenant `platform`) only
    plan:<plan>       platform admins only
    tenant            the caller's own tenant (from the verified token, never from the path)
    tenant:<id>       the caller's own tenant; a platform admin may name any tenant. Another tenant's id is
                      404, exactly as a tenant that does not exist: a tenant never learns of another
    app:<name>        the caller's tenant's configuration of app <name>

Reading needs `config.read`, writing `config.write` (a tenant admin's `*` holds both); the permission is
checked first, so a member without it learns nothing about scopes either.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from shared import permissions
from shared.config import settings
from shared.config_docs import KEY, Scope
from shared.context import UserContext
from shared.errors import Forbidden, InvalidRequest, NotFound

READ = "config.read"
WRITE = "config.write"
SCHEMA_PREFIX = "schema."


def resolve(caller: UserContext, raw: str, *, write: bool) -> Scope:
    """The scope `raw` names for `caller`, or the error the caller gets."""
    permissions.require(caller, WRITE if write else READ)
    text = unquote(raw)
    kind, colon, name = text.partition(":")
    # The platform scopes are the platform tenant's to read and write, with the config permission checked
    # above (a platform viewer may hold config.read alone): membership, not the platform-admin rule.
    platform_admin = caller.tenant_id == settings().platform_tenant
    if kind in ("platform", "plan"):
        if (kind == "platform") == bool(colon):  # `platform` alone, `plan:<name>` always
            raise InvalidRequest(_SCOPE_HELP, field="scope")
        if not platform_admin:
            verb = "change" if write else "read"
            raise Forbidden(f"Only platform admins may {verb} the {kind} scope", field="scope")
        return Scope.platform() if kind == "platform" else _named(Scope.plan, name)
    if kind == "tenant":
        if not colon or name == caller.tenant_id:
            return Scope.tenant(caller.tenant_id)
        if platform_admin:
            try:
                return Scope.tenant(name)
            except ValueError:
                pass
        raise NotFound("No such configuration scope", field="scope")
    if kind == "app" and colon:
        return _named(lambda app: Scope.app(caller.tenant_id, app), name)
    raise InvalidRequest(_SCOPE_HELP, field="scope")


_SCOPE_HELP = "scope: one of platform, plan:<plan>, tenant, tenant:<tenantId>, app:<name>"


def _named(make: Callable[[str], Scope], name: str) -> Scope:
    try:
        return make(name)
    except ValueError:
        raise InvalidRequest(
            "scope: a plan or app name is 1-40 lowercase letters, digits, '_', '-'", field="scope"
        ) from None


def check_key(scope: Scope, key: str) -> str:
    """A configuration key, or 400. `schema.<key>` (the JSON Schema of <key>) lives at the platform only."""
    if not KEY.fullmatch(key):
        raise InvalidRequest(
            "key: 1-80 characters, a lowercase letter then lowercase letters, digits, '_', '.', '-'",
            field="key",
        )
    if key.startswith(SCHEMA_PREFIX) and scope != Scope.platform():
        raise InvalidRequest("key: schemas (schema.<key>) are registered at the platform scope", field="key")
    return key
