"""The internal reads of rbac for a service acting for a user (the GraphQL read API's loaders): the
tenant's roles, and the roles and permissions of many users in one call. Plain models (a list is not a
model the typed client can answer with)."""

from __future__ import annotations

from pydantic import Field

from functions.rbac.models import Role, UserPermissions
from shared.models import CamelBody, CamelModel

MAX_BATCH = 100  # one GraphQL list page's worth of ids


class RoleListing(CamelModel):
    roles: list[Role]


class AssignmentsRequest(CamelBody):
    user_ids: list[str] = Field(min_length=1, max_length=MAX_BATCH)


class Assignments(CamelModel):
    """The roles and effective permissions of each known user among the ids (an unknown id is absent)."""

    users: list[UserPermissions]
