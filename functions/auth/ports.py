"""What auth's domain (functions/auth/service.py) needs from outside besides the cache's client: the
outbox, in the two shapes auth uses it. auth owns no table; the real adapter is `shared.outbox` (its
entries live in the kernel's outbox table), and unit tests put the in-memory outbox of
`tests/unit/functions/auth/fakes.py` in its place (shared.ports)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from shared.events.model import ServiceEvent
from shared.ports import Port


class AuthOutbox(Protocol):
    def stage(self, *events: ServiceEvent) -> None:
        """Put events into the outbox on their own (the drain publishes them)."""

    def held(self, *events: ServiceEvent) -> AbstractContextManager[None]:
        """Staged around another service's change: withdrawn if the block raises, released if not."""


def _kernel() -> AuthOutbox:
    # Imported on first use: boto3 and the outbox table load only when an event is staged.
    from shared import outbox

    return outbox


outbox: Port[AuthOutbox] = Port(_kernel)
