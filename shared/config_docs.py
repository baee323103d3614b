"""Configuration documents (docs/config-center.md): the scopes, the key layout of the `config` table, the
merge of scopes, and the read side the kernel's feature flags (`shared.flags`) use.

The table belongs to the config service (`functions/config`), which is the only writer. Its layout is
defined here, once, because `shared.flags` reads the current documents directly on a cache miss: a
GetItem/BatchGetItem is cheaper than a service call (no token, no extra hop, no layering rule that would
forbid a core or infrastructure service from calling config) and a warm evaluation reads nothing at all.

Scopes, merged in this order (a later one wins; objects are merged member by member, RFC 7396 style):

    platform  <  plan:<plan>  <  tenant:<tenantId>  <  app:<name> (of that tenant)

Items (`<key>` is the configuration key, e.g. `flags`):

- current document  pk `CONFIG#PLATFORM#<key>` | `CONFIG#PLAN#<plan>#<key>` | `TENANT#t#CONFIG#<key>` |
                    `TENANT#t#CONFIG#APP#<app>#<key>`, sk `HEAD`: version, value (JSON text; absent when
                    the scope contributes nothing), updatedAt, updatedBy
- each version      same pk, sk `V#<version, 10 digits>`: version, value, action, rolledBackTo?, at, by
- a tenant's plan   pk `TENANT#t#CONFIG`, sk `PLAN`: plan, planAt (a projection of tenants' events)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared import aws
from shared.config import settings
from shared.errors import ServiceUnavailable
from shared.tables import tenant_key

TABLE = "config"
HEAD = "HEAD"
VERSION_PREFIX = "V#"
PLAN_SK = "PLAN"
# Configuration keys: `flags`, `branding`, `limits.upload`; `schema.<key>` holds the JSON Schema of <key>.
KEY = re.compile(r"^[a-z][a-z0-9_.-]{0,79}$")
# Plan and app names (a plan as tenants names it, an app as the registry does).
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_BATCH = 100  # BatchGetItem's limit


class Kind(StrEnum):
    PLATFORM = "platform"
    PLAN = "plan"
    TENANT = "tenant"
    APP = "app"


@dataclass(frozen=True)
class Scope:
    """One scope. `name` is the plan's or the app's; `tenant_id` is set for tenant and app scopes."""

    kind: Kind
    name: str = ""
    tenant_id: str = ""

    @classmethod
    def platform(cls) -> Scope:
        return cls(Kind.PLATFORM)

    @classmethod
    def plan(cls, plan: str) -> Scope:
        _check_name(plan, "plan")
        return cls(Kind.PLAN, name=plan)

    @classmethod
    def tenant(cls, tenant_id: str) -> Scope:
        tenant_key(tenant_id)  # checks the id
        return cls(Kind.TENANT, tenant_id=tenant_id)

    @classmethod
    def app(cls, tenant_id: str, app: str) -> Scope:
        tenant_key(tenant_id)
        _check_name(app, "app")
        return cls(Kind.APP, name=app, tenant_id=tenant_id)

    @property
    def label(self) -> str:
        """How the API names it: `platform`, `plan:premium`, `tenant:acme`, `app:crm`."""
        if self.kind is Kind.PLATFORM:
            return "platform"
        if self.kind is Kind.TENANT:
            return f"tenant:{self.tenant_id}"
        return f"{self.kind.value}:{self.name}"

    @property
    def owner_tenant(self) -> str:
        """The tenant the scope's documents belong to (the platform tenant for platform and plan scopes)."""
        return self.tenant_id or settings().platform_tenant

    def partition(self, key: str) -> str:
        check_key(key)
        if self.kind is Kind.PLATFORM:
            return f"CONFIG#PLATFORM#{key}"
        if self.kind is Kind.PLAN:
            return f"CONFIG#PLAN#{self.name}#{key}"
        if self.kind is Kind.TENANT:
            return tenant_key(self.tenant_id, "CONFIG", key)
        return tenant_key(self.tenant_id, "CONFIG", "APP", self.name, key)


def _check_name(name: str, what: str) -> None:
    if not NAME.fullmatch(name):
        raise ValueError(f"not a {what} name: {name!r}")


def check_key(key: str) -> None:
    if not KEY.fullmatch(key):
        raise ValueError(f"not a configuration key: {key!r}")


def chain(scope: Scope, plan: str | None) -> list[Scope]:
    """The scopes whose documents make `scope`'s effective value, lowest first. `plan` is the tenant's
    plan (tenant and app scopes); unknown (None), the plan scope is left out."""
    if scope.kind is Kind.PLATFORM:
        return [scope]
    if scope.kind is Kind.PLAN:
        return [Scope.platform(), scope]
    found = [Scope.platform()]
    if plan is not None:
        found.append(Scope.plan(plan))
    found.append(Scope.tenant(scope.tenant_id))
    if scope.kind is Kind.APP:
        found.append(scope)
    return found


@dataclass(frozen=True)
class Head:
    """A scope's current document of one key. `value` None: the scope contributes nothing (never set, or
    set to null)."""

    scope: Scope
    key: str
    version: int = 0
    value: Any = None
    updated_at: str | None = None
    updated_by: str | None = None


# --- the merge -----------------------------------------------------------------------------------------
def merge(base: Any, override: Any) -> Any:
    """`override` applied over `base`: objects merge member by member (recursively), a member set to
    null is removed, anything else (arrays, scalars, an object over a non-object) replaces (RFC 7396)."""
    if not isinstance(override, dict):
        return override
    merged: dict[str, Any] = dict(base) if isinstance(base, dict) else {}
    for name, value in override.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge(merged.get(name), value)
    return merged


def effective(documents: Iterable[Any]) -> Any:
    """The merge of documents lowest scope first; a None document contributes nothing."""
    result: Any = None
    for document in documents:
        if document is not None:
            result = merge(result, document)
    return result


# --- reading -------------------------------------------------------------------------------------------
def table_name() -> str:
    return settings().table_name(TABLE)


def head_from_item(scope: Scope, key: str, item: Mapping[str, Any]) -> Head:
    raw = item.get("value", {}).get("S")
    return Head(
        scope=scope,
        key=key,
        version=int(item["version"]["N"]),
        value=json.loads(raw) if raw is not None else None,
        updated_at=item.get("updatedAt", {}).get("S"),
        updated_by=item.get("updatedBy", {}).get("S"),
    )


def read_heads(scopes: Iterable[Scope], key: str, *, consistent: bool = True) -> dict[Scope, Head]:
    """Each scope's current document of `key` (one BatchGetItem; a scope without one gets version 0)."""
    wanted = {scope.partition(key): scope for scope in scopes}
    found = {scope: Head(scope, key) for scope in wanted.values()}
    keys = [{"pk": {"S": pk}, "sk": {"S": HEAD}} for pk in wanted]
    for item in _batch_get(keys, consistent=consistent):
        scope = wanted[item["pk"]["S"]]
        found[scope] = head_from_item(scope, key, item)
    return found


def read_plan(tenant_id: str, *, consistent: bool = True) -> str | None:
    """The tenant's plan as the config service last heard it from tenants' events (None: not heard)."""
    item = (
        aws.client("dynamodb")
        .get_item(TableName=table_name(), Key=plan_key(tenant_id), ConsistentRead=consistent)
        .get("Item")
    )
    return str(item["plan"]["S"]) if item and "plan" in item else None


def read_effective(
    tenant_id: str, key: str, *, plan: str | None = None, app: str | None = None
) -> tuple[Any, str | None]:
    """The merged document of `key` for a tenant (and app), eventually consistent, and the plan it used:
    a GetItem for the plan unless it is given, and one BatchGetItem. The read `shared.flags` and
    `shared.tenant_config` both cache."""
    known_plan = plan if plan is not None else read_plan(tenant_id, consistent=False)
    scope = Scope.app(tenant_id, app) if app is not None else Scope.tenant(tenant_id)
    scopes = chain(scope, known_plan)
    heads = read_heads(scopes, key, consistent=False)
    return effective(heads[s].value for s in scopes), known_plan


def plan_key(tenant_id: str) -> dict[str, Any]:
    return {"pk": {"S": tenant_key(tenant_id, "CONFIG")}, "sk": {"S": PLAN_SK}}


def _batch_get(keys: list[dict[str, Any]], *, consistent: bool) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    table = table_name()
    for start in range(0, len(keys), _BATCH):
        pending: Any = {table: {"Keys": keys[start : start + _BATCH], "ConsistentRead": consistent}}
        for _attempt in range(5):  # unprocessed keys come back under throttling; ask again
            response = aws.client("dynamodb").batch_get_item(RequestItems=pending)
            items.extend(response.get("Responses", {}).get(table, []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
        else:
            raise ServiceUnavailable("The config table is busy; try again")
    return items
