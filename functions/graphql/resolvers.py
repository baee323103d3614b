"""The resolvers of schema.graphql, by type and field. A root field checks its permission here first (the
owning service checks it again, as its public route does), then reads through the platform port; a nested
field reads through the request's batched loaders (scope.py), so a page costs one call per nested kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from functions.graphql.scope import Row, Scope, row
from shared import permissions
from shared.errors import InvalidRequest

Resolver = Callable[..., Any]
Info = GraphQLResolveInfo[Scope]

MAX_PAGE_SIZE = 100  # the owning services' list routes take at most this
DEFAULT_PAGE_SIZE = 20

# The permission each gated root field needs (docs/graphql.md). Introspection is answered only to a caller
# who holds all of them (functions/graphql/limits.py): nobody learns of a field they may not read.
FIELD_PERMISSIONS = {
    "users": "user.read",
    "files": "file.read",
    "notifications": "notification.read",
    "audit": "audit.read",
}


def _scope(info: Info) -> Scope:
    return info.context


def _gate(info: Info) -> Scope:
    scope = _scope(info)
    needed = FIELD_PERMISSIONS.get(info.field_name)
    if needed is not None:
        permissions.require(scope.user, needed)
    return scope


def _page_size(value: int | None) -> int:
    if value is None:  # `pageSize: null` asks for the default
        return DEFAULT_PAGE_SIZE
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise InvalidRequest(f"pageSize must be between 1 and {MAX_PAGE_SIZE}", field="pageSize")
    return value


def _page(items: list[Row], total: int, next_cursor: str | None) -> Row:
    return {"items": items, "total": total, "nextCursor": next_cursor}


# --- Query -------------------------------------------------------------------------------------------
def me(_: None, info: Info) -> Row:
    user = _scope(info).user
    return {
        "userId": user.user_id,
        "tenantId": user.tenant_id,
        "roles": list(user.roles),
        "permissions": list(user.permissions),
    }


def users(_: None, info: Info, pageSize: int | None, cursor: str | None = None) -> Row:
    scope = _gate(info)
    listing = scope.platform.users_page(_page_size(pageSize), cursor)
    items = [row(u) for u in listing.users]
    scope.assignments.expect(u["userId"] for u in items)
    return _page(items, listing.total, listing.next_cursor)


def roles(_: None, info: Info) -> list[Row]:
    return [row(r) for r in _gate(info).platform.roles().roles]


def files(
    _: None,
    info: Info,
    pageSize: int | None,
    folder: str | None = None,
    cursor: str | None = None,
) -> Row:
    scope = _gate(info)
    listing = scope.platform.files_page(folder, _page_size(pageSize), cursor)
    items = [row(f) for f in listing.files]
    scope.users.expect(f["ownerId"] for f in items)
    return _page(items, listing.total, listing.next_cursor)


def notifications(
    _: None, info: Info, pageSize: int | None, unread: bool = False, cursor: str | None = None
) -> Row:
    scope = _gate(info)
    listing = scope.platform.inbox(bool(unread), _page_size(pageSize), cursor)
    return _page([row(n) for n in listing.notifications], listing.total, listing.next_cursor)


def audit(_: None, info: Info, pageSize: int | None, **filters: str | None) -> Row:
    scope = _gate(info)
    listing = scope.platform.audit(
        event_type=filters.get("type"),
        user_id=filters.get("userId"),
        since=filters.get("from"),
        until=filters.get("to"),
        page_size=_page_size(pageSize),
        cursor=filters.get("cursor"),
    )
    items = [row(r) for r in listing.records]
    scope.users.expect(r["actorId"] for r in items if r.get("actorId"))
    return _page(items, listing.total, listing.next_cursor)


# --- nested: through the loaders ---------------------------------------------------------------------
def me_email(parent: Row, info: Info) -> str | None:
    # Its own loader: the caller may always read themselves, a batch with others needs user.read.
    found = _scope(info).me.load(parent["userId"])
    return None if found is None else str(found["email"])


def user_roles(parent: Row, info: Info) -> list[str] | None:
    found = _scope(info).assignments.load(parent["userId"])
    return None if found is None else list(found["roles"])


def user_permissions(parent: Row, info: Info) -> list[str] | None:
    found = _scope(info).assignments.load(parent["userId"])
    return None if found is None else list(found["permissions"])


def file_owner(parent: Row, info: Info) -> Row | None:
    return _scope(info).users.load(parent["ownerId"])


def audit_actor(parent: Row, info: Info) -> Row | None:
    actor = parent.get("actorId")
    return _scope(info).users.load(actor) if actor else None


RESOLVERS: dict[str, dict[str, Resolver]] = {
    "Query": {
        "me": me,
        "users": users,
        "roles": roles,
        "files": files,
        "notifications": notifications,
        "audit": audit,
    },
    "Me": {"email": me_email},
    "User": {"roles": user_roles, "permissions": user_permissions},
    "File": {"owner": file_owner},
    "AuditRecord": {"actor": audit_actor},
}
