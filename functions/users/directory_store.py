"""Many users of a tenant by id in one read: pynamodb's BatchGetItem (unprocessed keys retried by it), for
the batch route a service acting for a user calls (the GraphQL read API's user loader)."""

from __future__ import annotations

from functions.users import store
from functions.users.store import UserItem, UserRecord


def get_many(tenant_id: str, user_ids: list[str]) -> list[UserRecord]:
    """The live users among `user_ids` (ids already checked for shape), in the order asked."""
    keys = [(store.partition(tenant_id), f"{store.USER_PREFIX}{u}") for u in user_ids]
    found = {
        item.sk: store._record(tenant_id, item)
        for item in UserItem.batch_get(keys, consistent_read=True)
        if not item.is_expired()
    }
    return [found[sk] for _, sk in keys if sk in found]
