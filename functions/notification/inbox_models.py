"""Bodies of `inbox-add`: another service (an in-repo app) puts one in-app notification in the inbox of a
user of a tenant — a health app's alert, say. It writes the text itself: the platform's templates are for
the platform's own messages."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from functions.notification.message_models import Body, DeliveryKey, Subject, TenantId
from shared.models import CamelBody, CamelModel

# The length apart from the pattern: `[\w-]{1,64}` (Unicode \w, counted) costs pydantic-core's regex
# compiler ~50 ms at import, a fifth of a cold start; the same rule as a bare class + max_length, nothing.
UserId = Annotated[str, StringConstraints(pattern=r"^[\w-]+$", max_length=64)]
# What kind of notice it is (the inbox item's `type`): a name, as the platform's templates are.
NoticeType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class InboxRequest(CamelBody):
    """One in-app notification for one user, once per key (the caller's event id: a redelivered event
    adds nothing)."""

    tenant_id: TenantId
    user_id: UserId
    key: DeliveryKey
    type: NoticeType
    title: Subject
    body: Body


class InboxAdded(CamelModel):
    # In the inbox, by this call or an earlier one with the same key; False when the user turned in-app
    # notifications off (the delivery is recorded as skipped).
    delivered: bool
