"""Reading users: one account, the caller's own, a page of the tenant's. Kept apart from service.py (the
writes) so that a read handler's cold start loads neither argon2 nor the calls and events of a change.

Public routes act in the caller's tenant, taken from the verified token and nothing else; internal
routes act in the tenant the calling service names. A user id of another tenant is simply not found.
"""

from __future__ import annotations

import re

from functions.users import ports
from functions.users.models import Me, UserOut
from functions.users.records import UserRecord
from shared import permissions
from shared.context import UserContext, require
from shared.envelopes import Page
from shared.errors import UserNotFound

_USER_ID = re.compile(r"u_[0-9a-f]{32}")


def to_out(user: UserRecord) -> UserOut:
    return UserOut.model_validate(
        {
            "userId": user.user_id,
            "email": user.email,
            "tenantId": user.tenant_id,
            "status": user.status,
            "profile": user.profile,
            "createdAt": user.created_at,
            "updatedAt": user.updated_at,
            "emailVerified": user.email_verified,
        }
    )


def is_user_id(user_id: str) -> bool:
    return _USER_ID.fullmatch(user_id) is not None


def find(tenant_id: str, user_id: str) -> UserRecord:
    """The user, or 404 `USER_NOT_FOUND` (also for malformed ids: no id reveals more than another)."""
    found = ports.users().get(tenant_id, user_id) if is_user_id(user_id) else None
    if found is None:
        raise UserNotFound()
    return found


def caller() -> UserContext:
    return require().require_user()


def get_internal(tenant_id: str, user_id: str) -> UserOut:
    return to_out(find(tenant_id, user_id))


# --- public: reads -----------------------------------------------------------------------------------
def me() -> Me:
    user = caller()
    out = to_out(find(user.tenant_id, user.user_id))
    return Me(**out.model_dump(), roles=list(user.roles), permissions=list(user.permissions))


def list_users(page_size: int, cursor: str | None) -> Page[UserOut]:
    user = caller()
    permissions.require(user, "user.read")
    records, next_cursor = ports.users().page(user.tenant_id, page_size=page_size, cursor=cursor)
    return Page[UserOut].of(
        [to_out(r) for r in records],
        total=ports.users().total(user.tenant_id),
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )


def get(user_id: str) -> UserOut:
    user = caller()
    if user_id != user.user_id:
        permissions.require(user, "user.read")
    return to_out(find(user.tenant_id, user_id))
