"""The read API's document limits (shared.graphql_limits, which the real-time WebSocket's subscriptions
share), with the platform schema's own list sizes: the paged fields (`pageSize` omitted: its default) and
the unpaged lists' estimates. The apps' come from app_types.json (engine.list_sizes)."""

from __future__ import annotations

from shared.graphql_limits import (
    DEFAULT_PAGE_SIZE,
    INTROSPECTION_FIELDS,
    MAX_ALIASES,
    MAX_COST,
    MAX_DEPTH,
    MAX_TOKENS,
    check_cost,
    check_introspection,
    check_shape,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "INTROSPECTION_FIELDS",
    "LIST_ESTIMATES",
    "MAX_ALIASES",
    "MAX_COST",
    "MAX_DEPTH",
    "MAX_TOKENS",
    "PAGED_FIELDS",
    "check_cost",
    "check_introspection",
    "check_shape",
]

LIST_ESTIMATES = {"roles": 20}  # unpaged lists of objects: how many items a tenant has, about
PAGED_FIELDS = frozenset({"users", "files", "notifications", "audit"})
