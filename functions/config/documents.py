"""Configuration documents: read (merged, with each scope's part), write, version history, rollback, and
the caller's flags (docs/config-center.md)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from functions.config import schemas, scopes, store
from functions.config.models import (
    ConfigDocument,
    ConfigVersion,
    ConfigWrite,
    EvaluatedFlags,
    Rollback,
    ScopeLayer,
)
from shared import config_docs, flags, outbox
from shared.config_docs import Head, Kind, Scope
from shared.context import UserContext
from shared.envelopes import Page
from shared.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger

log = logger("config")
# A document (and so each of its versions) is at most this much JSON: far below DynamoDB's 400 KB item.
MAX_VALUE_BYTES = 64 * 1024
# The version as an ETag (`"3"`, `W/"3"`) or bare (`3`); the document publishes this pattern.
IF_MATCH_PATTERN = r'^(?:W/)?"?([0-9]{1,12})"?$'
_IF_MATCH = re.compile(IF_MATCH_PATTERN)


@dataclass(frozen=True)
class View:
    """A key at a scope: every scope of its merge (lowest first, the addressed one last) and the plan."""

    scope: Scope
    key: str
    plan: str | None
    heads: list[Head]

    @property
    def own(self) -> Head:
        return self.heads[-1]

    def effective_with(self, value: Any) -> Any:
        """The effective value if the addressed scope's document were `value`."""
        return config_docs.effective([*(h.value for h in self.heads[:-1]), value])


# --- reading -----------------------------------------------------------------------------------------
def get(caller: UserContext, raw_scope: str, key: str) -> ConfigDocument:
    scope = scopes.resolve(caller, raw_scope, write=False)
    return _document(_view(scope, scopes.check_key(scope, key)))


def versions(
    caller: UserContext, raw_scope: str, key: str, *, page_size: int, cursor: str | None
) -> Page[ConfigVersion]:
    """Newest first; `total` is the current version number (every version is kept)."""
    scope = scopes.resolve(caller, raw_scope, write=False)
    scopes.check_key(scope, key)
    found, next_cursor = store.versions(scope, key, page_size=page_size, cursor=cursor)
    total = config_docs.read_heads([scope], key)[scope].version
    items = [
        ConfigVersion(
            version=v.version,
            value=v.value,
            action="rollback" if v.action == "rollback" else "set",
            rolled_back_to=v.rolled_back_to,
            updated_at=v.at,
            updated_by=v.by,
        )
        for v in found
    ]
    return Page[ConfigVersion].of(
        items, total=total, page_size=page_size, cursor=cursor, next_cursor=next_cursor
    )


def evaluated_flags(caller: UserContext) -> EvaluatedFlags:
    """Every flag of the caller's tenant, evaluated for the caller (through the kernel's cache)."""
    return EvaluatedFlags(flags=flags.evaluate_all(flags.FlagContext.of(caller)))


# --- writing -----------------------------------------------------------------------------------------
def put(
    caller: UserContext, raw_scope: str, key: str, body: ConfigWrite, if_match: str | None
) -> ConfigDocument:
    scope = scopes.resolve(caller, raw_scope, write=True)
    scopes.check_key(scope, key)
    read_version = _read_version(body.if_version, if_match)
    value: Any = body.value
    size = len(json.dumps(value, separators=(",", ":")).encode())
    if size > MAX_VALUE_BYTES:
        raise PayloadTooLarge(
            f"value: a document is at most {MAX_VALUE_BYTES} bytes of JSON",
            field="value",
            details={"maxBytes": MAX_VALUE_BYTES, "bytes": size},
        )
    view = _view(scope, key)
    _check_version(view, read_version)
    schemas.check(scope, key, value, view.effective_with(value))
    return _write(caller, view, value, read_version=read_version, action="set")


def rollback(caller: UserContext, raw_scope: str, key: str, body: Rollback) -> ConfigDocument:
    """Version `body.version` written again as the newest version (history is never rewritten)."""
    scope = scopes.resolve(caller, raw_scope, write=True)
    scopes.check_key(scope, key)
    view = _view(scope, key)
    read_version = view.own.version if body.if_version is None else body.if_version
    _check_version(view, read_version)
    earlier = store.version(scope, key, body.version)
    if earlier is None:
        raise NotFound(f"{scope.label} {key} has no version {body.version}", field="version")
    schemas.check(scope, key, earlier.value, view.effective_with(earlier.value))
    return _write(
        caller, view, earlier.value, read_version=read_version, action="rollback", rolled_back_to=body.version
    )


def _read_version(if_version: int | None, if_match: str | None) -> int:
    """The version the writer read: `ifVersion`, or `If-Match`; neither: 0 (the key is new here)."""
    from_header: int | None = None
    if if_match is not None:
        found = _IF_MATCH.fullmatch(if_match.strip())
        if found is None:
            raise InvalidRequest('If-Match: the version read, e.g. "3"', field="If-Match")
        from_header = int(found.group(1))
    if if_version is not None and from_header is not None and if_version != from_header:
        # At most one of them can be the current version: the write conflicts, whichever is stale.
        raise Conflict("ifVersion and If-Match name different versions", field="ifVersion")
    return if_version if if_version is not None else from_header or 0


def _check_version(view: View, read_version: int) -> None:
    current = view.own.version
    if read_version != current:
        raise Conflict(
            f"{view.scope.label} {view.key} is at version {current}, not {read_version}; read it again",
            field="ifVersion",
            details={"ifVersion": read_version, "currentVersion": current},
        )


def _write(
    caller: UserContext,
    view: View,
    value: Any,
    *,
    read_version: int,
    action: str,
    rolled_back_to: int | None = None,
) -> ConfigDocument:
    event = _changed(view, read_version + 1, action, rolled_back_to)
    head = store.write(
        view.scope,
        view.key,
        read_version=read_version,
        value=value,
        by=caller.user_id,
        event=event,
        action=action,
        rolled_back_to=rolled_back_to,
    )
    outbox.release(event)
    if view.key == flags.FLAGS_KEY:
        flags.invalidate()  # this container at once; the others within flags.STALENESS_SECONDS
    log.info("configuration written", scope=view.scope.label, key=view.key, version=head.version)
    return _document(View(view.scope, view.key, view.plan, [*view.heads[:-1], head]))


def _changed(view: View, version: int, action: str, rolled_back_to: int | None) -> ServiceEvent:
    data: dict[str, Any] = {
        "scope": view.scope.label,
        "key": view.key,
        "version": version,
        "previousVersion": version - 1,
        "action": action,
    }
    if rolled_back_to is not None:
        data["rolledBackTo"] = rolled_back_to
    if view.scope.tenant_id:
        data["tenantId"] = view.scope.tenant_id
    return publisher.build("config.changed", data, tenant_id=view.scope.owner_tenant)


# --- the merged view ---------------------------------------------------------------------------------
def _view(scope: Scope, key: str) -> View:
    """Every scope's current document of `key` for `scope`'s merge: a GetItem (the tenant's plan, for
    tenant and app scopes) and one BatchGetItem."""
    plan = config_docs.read_plan(scope.tenant_id) if scope.kind in (Kind.TENANT, Kind.APP) else None
    chain = config_docs.chain(scope, plan)
    heads = config_docs.read_heads(chain, key)
    return View(scope, key, plan, [heads[s] for s in chain])


def _document(view: View) -> ConfigDocument:
    own = view.own
    return ConfigDocument(
        scope=view.scope.label,
        key=view.key,
        version=own.version,
        value=own.value,
        effective=config_docs.effective(h.value for h in view.heads),
        layers=[
            ScopeLayer(
                scope=h.scope.label,
                version=h.version,
                value=h.value,
                updated_at=h.updated_at,
                updated_by=h.updated_by,
            )
            for h in view.heads
        ],
        plan=view.plan,
        updated_at=own.updated_at,
        updated_by=own.updated_by,
    )


# --- the plan projection (tenants' events) -----------------------------------------------------------
def record_plan(tenant_id: str, plan: str, at: str) -> None:
    if not config_docs.NAME.fullmatch(plan):
        log.warning("plan name not usable as a scope; not recorded", tenant_id=tenant_id, plan=plan[:50])
        return
    if store.set_plan(tenant_id, plan, at):
        flags.invalidate()
