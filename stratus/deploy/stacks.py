"""Which stack deploys what: one stack per service, plus one shared stack that every service stack needs.

CloudFormation takes at most 500 resources per stack and the split deployment creates about six per
function, so the whole platform cannot be one stack. Both deployment paths split it the same way:

- **shared**: the event bus, the HTTP API (with its stage and the authorizer), the kernel tables
  (idempotency, request metrics, outbox), the file bucket, the KMS data key that seals secrets,
  the deps layer, and the authorizer function
  with the tables it reads (the gateway's rate limits), since API Gateway needs it before any protected
  route can be attached.
- **one per service**: the service's functions (routes attached to the shared API, its subscriber's
  queue + DLQ + rule on the shared bus, its schedules) and the tables it owns.

A service stack refers to shared resources by their exports (osls) or module outputs (Terraform), and to
another service's tables (only `inspects_platform` functions describe them) by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from shared.declarations import KERNEL_TABLES, Function, Route, Subscription, Table
from shared.registry import Registry

SHARED = "shared"
# A stack above this fails `make deploy-check` while there is still room to split it (CloudFormation: 500).
RESOURCE_BUDGET = 400


class LayoutError(ValueError):
    pass


@dataclass(frozen=True)
class Stack:
    name: str  # SHARED, or the service's name
    functions: tuple[Function, ...]
    tables: tuple[Table, ...]
    # The monolith is one stack that holds everything; the shared stack holds the bus, API and bucket.
    holds_shared: bool = False

    @cached_property
    def table_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables)

    @property
    def routes(self) -> list[Function]:
        return [fn for fn in self.functions if isinstance(fn.trigger, Route)]

    @property
    def subscriber(self) -> Function | None:
        found = [fn for fn in self.functions if isinstance(fn.trigger, Subscription)]
        return found[0] if found else None


@dataclass(frozen=True)
class Layout:
    shared: Stack
    services: tuple[Stack, ...]

    @property
    def stacks(self) -> tuple[Stack, ...]:
        return (self.shared, *self.services)

    def owner(self, table: str) -> Stack | None:
        for stack in self.stacks:
            if table in stack.table_names:
                return stack
        return None


def layout(registry: Registry) -> Layout:
    if SHARED in registry.by_service:
        raise LayoutError(f"no service may be named {SHARED!r}: that is the shared stack's name")
    authorizer = registry.authorizer
    moved = set(authorizer.tables) if authorizer else set()
    skip = authorizer.qualified_name if authorizer else None
    owned = {t.name: t for s in registry.services for t in s.tables}
    shared = Stack(
        SHARED,
        functions=(authorizer,) if authorizer else (),
        tables=(*KERNEL_TABLES, *(owned[name] for name in sorted(moved) if name in owned)),
        holds_shared=True,
    )
    services = []
    for service in registry.services:
        functions = tuple(fn for fn in service.functions if fn.qualified_name != skip)
        tables = tuple(t for t in service.tables if t.name not in moved)
        if functions or tables:
            services.append(Stack(service.name, functions, tables))
    return Layout(shared, tuple(services))


def monolith(registry: Registry) -> Stack:
    """Everything in one stack (the monolith mode)."""
    functions, tables = tuple(registry.functions.values()), tuple(registry.tables())
    return Stack("monolith", functions, tables, holds_shared=True)
