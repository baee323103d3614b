"""auth's outbox port (`functions/auth/ports.AuthOutbox`) in memory: the in-memory outbox plus `held`, on
the same terms as shared.outbox.held — staged before the block, taken back out if it raises, released
(published, or left for the drain when the bus refuses) if it returns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox


class FakeAuthOutbox(InMemoryOutbox):
    @contextmanager
    def held(self, *events: ServiceEvent) -> Iterator[None]:
        self.stage(*events)
        try:
            yield
        except BaseException:
            self.unstage(*events)
            raise
        self.release(*events)
