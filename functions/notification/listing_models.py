"""A page of the in-app inbox for a service acting for a user (the GraphQL read API): a plain model with
the cursor inside, since a `Page` crosses the service wire as its `data` only."""

from __future__ import annotations

from functions.notification.models import InboxEntry
from shared.models import CamelModel


class InboxListing(CamelModel):
    notifications: list[InboxEntry]
    total: int
    next_cursor: str | None = None
