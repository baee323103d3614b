"""An app's part of the GraphQL read API (docs/graphql.md, "App types"): what an in-repo app declares, the
one internal route GraphQL reads it through, and the app-side dispatcher behind that route.

An app contributes, in its own package (`apps/<name>/graphql_types.py`), a `GraphQLContribution`: an SDL
fragment (`extend type Query { ... }` and its own types) and, per field it resolves, the read
`operation` that answers it. Its manifest hands it to `Service(graphql=...)` and declares
`read_function(...)`: `POST /internal/<name>/graphql`, a service route whose handler (`shared.app_reads`)
applies
the app's own gate (a tenant that has not enabled the app: 403 `FORBIDDEN`) to the *acting user* the
caller sent, then runs the operation as the app's public read route would, for that user.

The platform never imports an app: `stratus openapi` writes every contribution into
`functions/graphql/app_types.json`, which the GraphQL function composes into its schema and reads its
bindings from (functions/graphql/apps.py), and calls each app through the service client (service token,
layer check, user context) like any other callee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from shared.declarations import Function, Route
from shared.errors import InvalidRequest
from shared.models import CamelBody, CamelModel

READ_FUNCTION = "graphql-read"
MAX_KEYS = 100  # a batched nested field asks for at most this many keys at once (functions/graphql/loaders)


def read_path(app: str) -> str:
    return f"/internal/{app}/graphql"


@dataclass(frozen=True)
class AppField:
    """`type_name.field_name` is answered by the app's read `operation`.

    - a root field (`type_name="Query"`): the operation gets the field's arguments and answers its value;
    - a nested field (`key` set): its value is the parent's `key` attribute looked up by the operation,
      for a whole list of parents in one call (the operation gets `keys` and answers `found[key]`).

    `permission`: checked by GraphQL before the call (the app checks it again, as its route does);
    `paged`: the field takes `pageSize`, which multiplies its cost (functions/graphql/limits.py);
    `estimate`: an unpaged list's usual length, which does the same."""

    type_name: str
    field_name: str
    operation: str
    key: str | None = None
    permission: str | None = None
    paged: bool = False
    estimate: int | None = None


@dataclass(frozen=True)
class GraphQLContribution:
    sdl: str
    fields: tuple[AppField, ...]

    def describe(self, app: str) -> dict[str, Any]:
        """As `functions/graphql/app_types.json` lists it (stratus openapi)."""
        return {
            "app": app,
            "function": f"{app}-{READ_FUNCTION}",
            "path": read_path(app),
            "sdl": self.sdl.strip() + "\n",
            "fields": [
                {
                    "type": f.type_name,
                    "field": f.field_name,
                    "operation": f.operation,
                    "key": f.key,
                    "permission": f.permission,
                    "paged": f.paged,
                    "estimate": f.estimate,
                }
                for f in self.fields
            ],
        }


def read_function(app: str, **declared: Any) -> Function:
    """The app's GraphQL read function (`tables=`, `calls=` the gate, `kms=`... as its reads need)."""
    return Function(
        READ_FUNCTION,
        Route("POST", read_path(app), idempotent=True),  # a read: retried freely, no idempotency key
        description="GraphQL's reads of the app's types, for the acting user (the app's gate applies).",
        **declared,
    )


# --- the wire -------------------------------------------------------------------------------------------
class AppRead(CamelBody):
    operation: str = Field(min_length=1, max_length=64)
    arguments: dict[str, Any] = Field(default_factory=dict)
    keys: list[str] | None = Field(default=None, max_length=MAX_KEYS)


class AppReadAnswer(CamelModel):
    """`value`: a root field's answer; `found`: a batched field's, by key (an absent key: null)."""

    value: Any = None
    found: dict[str, Any] | None = None


# --- helpers for an app's operations ------------------------------------------------------------------------
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def page_size(value: int | None, default: int = DEFAULT_PAGE_SIZE) -> int:
    """A `pageSize` argument as the REST routes bound it: 1-100 (`null`: the default)."""
    if value is None:
        return default
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise InvalidRequest(f"pageSize must be between 1 and {MAX_PAGE_SIZE}", field="pageSize")
    return value


def matching(value: str | None, pattern: str, field: str) -> str | None:
    """A string argument the REST route constrains by `pattern` (the same pattern): None passes."""
    if value is not None and re.fullmatch(pattern, value) is None:
        raise InvalidRequest(f"{field} is not valid", field=field)
    return value


def page(items: list[Any], next_cursor: str | None, *, total: int | None = None) -> dict[str, Any]:
    """A page as the app's GraphQL page types read it."""
    out: dict[str, Any] = {"items": items, "nextCursor": next_cursor}
    if total is not None:
        out["total"] = total
    return out
