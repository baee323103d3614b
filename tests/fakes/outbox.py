"""shared.outbox as a domain sees it, in memory: entries staged with a write (by a fake store), released
(published through `shared.events.publisher.send`, which tests record or break) or left for the drain."""

from __future__ import annotations

from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent


class InMemoryOutbox:
    def __init__(self) -> None:
        self.pending: list[ServiceEvent] = []

    # --- what a fake store does inside its "transaction" --------------------------------------------
    def stage(self, *events: ServiceEvent) -> None:
        self.pending.extend(events)

    def unstage(self, *events: ServiceEvent) -> None:
        ids = {event.id for event in events}
        self.pending = [event for event in self.pending if event.id not in ids]

    # --- the port (shared.ports.EventOutbox) --------------------------------------------------------
    def release(self, *events: ServiceEvent) -> bool:
        """Publish now and drop the entries; a refusing bus leaves them for the drain (False)."""
        try:
            publisher.send(*events)
        except QueueUnavailable:
            return False
        self.unstage(*events)
        return True

    def emit(self, *events: ServiceEvent) -> None:
        """Events no write causes: staged on their own, then released."""
        self.stage(*events)
        self.release(*events)
