"""Reads for a service acting for a user (`X-User-Context`): the same tenant and permission rules as the
public routes (functions/users/reads.py), shaped for another service's loaders."""

from __future__ import annotations

from functions.users import ports, reads
from functions.users.listing_models import UserBatch, UserListing
from shared import permissions


def listing(page_size: int, cursor: str | None) -> UserListing:
    """`GET /api/v1/users` for the user in the context (user.read), with the cursor in the model."""
    page = reads.list_users(page_size, cursor)
    return UserListing(users=page.data, total=page.pagination.total, next_cursor=page.pagination.next_cursor)


def batch(user_ids: list[str]) -> UserBatch:
    """The users of the caller's tenant among `user_ids`, in one read: user.read, as `GET /users/{id}`
    asks, unless the only id is the caller's own. Another tenant's id is as unknown as a made-up one (the
    keys start with the caller's tenant)."""
    user = reads.caller()
    wanted = list(dict.fromkeys(user_ids))
    if wanted != [user.user_id]:
        permissions.require(user, "user.read")
    found = ports.users().get_many(user.tenant_id, [u for u in wanted if reads.is_user_id(u)])
    return UserBatch(users=[reads.to_out(r) for r in found])
