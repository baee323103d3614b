"""What one request's resolvers share: the caller, the platform they read, and the batched loaders (made
per request, so nothing one caller loaded is ever served to another)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from functions.graphql.app_types import Binding
from functions.graphql.loaders import Loader
from functions.graphql.platform import Platform
from shared.context import UserContext

Row = dict[str, Any]  # an object as GraphQL reads it: the owning service's wire model, camelCase keys


@dataclass
class Scope:
    user: UserContext
    platform: Platform
    users: Loader[str, Row] = field(init=False)
    assignments: Loader[str, Row] = field(init=False)
    me: Loader[str, Row] = field(init=False)
    apps: dict[tuple[str, str], Loader[str, Row]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.users = Loader(self._fetch_users)
        self.me = Loader(self._fetch_users)
        self.assignments = Loader(self._fetch_assignments)

    def app_loader(self, binding: Binding) -> Loader[str, Row]:
        """The loader of an app's batched read (one per app operation, for this request)."""
        key = (binding.app, binding.operation)
        if key not in self.apps:
            self.apps[key] = Loader(lambda keys: self.platform.app_batch(binding, keys))
        return self.apps[key]

    def _fetch_users(self, user_ids: list[str]) -> Mapping[str, Row]:
        found = {u.user_id: row(u) for u in self.platform.users_by_id(user_ids).users}
        # Their roles, if asked for, come for all of them at once too (files → owner → roles).
        self.assignments.expect(found)
        return found

    def _fetch_assignments(self, user_ids: list[str]) -> Mapping[str, Row]:
        return {a.user_id: row(a) for a in self.platform.assignments(user_ids).users}


def row(model: Any) -> Row:
    """A service's pydantic model as GraphQL's default resolver reads it (by the camelCase field name)."""
    dumped: Row = model.model_dump(by_alias=True, mode="json")
    return dumped
