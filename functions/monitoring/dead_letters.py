"""Subscriber queues and their dead letters, for platform admins: each queue's depths and oldest dead
letter, and the redrive that moves dead letters back once the fault that killed them is fixed."""

from __future__ import annotations

from functions.monitoring import queue_store
from functions.monitoring.queue_models import QueueState, Redriven
from shared.context import require
from shared.errors import NotFound, PermissionDenied
from shared.permissions import is_platform_admin


def queues() -> list[QueueState]:
    _require_platform_admin()
    return [_state(name) for name in queue_store.subscriber_queues()]


def redrive(name: str) -> Redriven:
    _require_platform_admin()
    if name not in queue_store.subscriber_queues():
        raise NotFound(f"No subscriber queue {name!r}")
    return Redriven(moved=queue_store.redrive(name))


def _state(name: str) -> QueueState:
    waiting, in_flight = queue_store.depth(name)
    dead, dead_in_flight = queue_store.depth(name, dead=True)
    oldest = queue_store.oldest_dead_letter(name) if dead else None
    return QueueState(
        name=name,
        depth=waiting,
        in_flight=in_flight,
        dead_letters=dead + dead_in_flight,
        oldest_dead_letter_at=oldest.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if oldest
        else None,
    )


def _require_platform_admin() -> None:
    if not is_platform_admin(require().require_user()):
        raise PermissionDenied("Requires a platform administrator")
