"""The internal reads of the caller's tenant's users (the GraphQL read API's loaders): a page, and a batch by
id. A `Page` loses its pagination across the service wire (the client answers `data` only), so these are
plain models with the cursor inside."""

from __future__ import annotations

from pydantic import Field

from functions.users.models import UserOut
from shared.models import CamelBody, CamelModel

MAX_BATCH = 100  # one GraphQL list page's worth of ids (its pageSize is at most 100)


class UserListing(CamelModel):
    users: list[UserOut]
    total: int
    next_cursor: str | None = None


class UserIds(CamelBody):
    user_ids: list[str] = Field(min_length=1, max_length=MAX_BATCH)


class UserBatch(CamelModel):
    """The users of the caller's tenant among the ids asked for (an unknown id is simply absent)."""

    users: list[UserOut]
