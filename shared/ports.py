"""Ports: what a domain module needs from the outside world, typed by a protocol, with the real adapter
made on first use (once per container) and an in-memory fake put in its place by unit tests.

    # functions/rbac/ports.py
    class RbacStore(Protocol): ...
    def _dynamodb() -> RbacStore:  # imported on first use: pynamodb loads only where the store is used
        from functions.rbac import store as dynamodb
        return dynamodb
    store: Port[RbacStore] = Port(_dynamodb)

    # functions/rbac/roles.py (the domain): only the protocol is known here
    ports.store().insert_role(tenant_id, name, granted)

    # a unit test: no DynamoDB, no moto
    with ports.store.replaced(FakeRbacStore()): ...

Store tests and integration tests keep the real adapter (moto, or moto's server over HTTP).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, Protocol, TypeVar

from shared.events.model import ServiceEvent

T = TypeVar("T")


class Port(Generic[T]):
    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._adapter: T | None = None

    def __call__(self) -> T:
        if self._adapter is None:
            self._adapter = self._make()
        return self._adapter

    def use(self, adapter: T | None) -> None:
        """Put `adapter` in place (None: back to the real one, made again on next use)."""
        self._adapter = adapter

    @contextmanager
    def replaced(self, adapter: T) -> Iterator[T]:
        previous = self._adapter
        self._adapter = adapter
        try:
            yield adapter
        finally:
            self._adapter = previous


class EventOutbox(Protocol):
    """The part of `shared.outbox` a domain uses: `release` events whose entries its store committed with
    the write, `emit` events no write of its own causes."""

    def release(self, *events: ServiceEvent) -> bool: ...

    def emit(self, *events: ServiceEvent) -> None: ...


def kernel_outbox() -> EventOutbox:
    """The real adapter of the port: `shared.outbox` itself (mypy checks here that it fits)."""
    from shared import outbox

    return outbox
