"""The files service's events go through the outbox: each commits with the write that causes it (or, for a
download, is put there on its own), so a bus outage fails no request and loses no event, and a request
that fails leaves no event behind."""

from __future__ import annotations

import pytest

from functions.files import delete, download
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import call
from tests.unit.functions.files.fakes import FakeBucket
from tests.unit.functions.files.support import (
    EICAR_FILE,
    JANE,
    TENANT,
    Ledger,
    complete,
    request_upload,
    requested,
)


@pytest.fixture
def bus_down(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    """A bus refusing PutEvents; what it refused."""
    refused: list[ServiceEvent] = []

    def refuse(*events: ServiceEvent) -> None:
        refused.extend(events)
        raise QueueUnavailable("PutEvents refused")

    monkeypatch.setattr(publisher, "send", refuse)
    return refused


def test_complete_download_and_delete_succeed_while_the_bus_is_down(
    bus_down: list[ServiceEvent], fake_outbox: InMemoryOutbox
) -> None:
    # GIVEN an upload whose bytes are in the bucket, and a bus refusing PutEvents
    file_id, _key = requested()
    # WHEN it is completed, downloaded and deleted
    done = complete(file_id)
    link = call(download, params={"fileId": file_id}, caller=JANE)
    gone = call(delete, params={"fileId": file_id}, caller=JANE)
    # THEN every request succeeded
    assert (done[0], done[1]["data"]["status"], link[0], gone[0]) == (200, "available", 200, 204)
    # AND every event waits in the outbox, once, for the drain
    assert [e.type for e in bus_down] == ["file.uploaded", "file.downloaded", "file.deleted"]
    assert len(fake_outbox.pending) == 3


def test_a_quarantine_stands_while_the_bus_is_down(
    bus_down: list[ServiceEvent], fake_outbox: InMemoryOutbox
) -> None:
    file_id, _key = requested(EICAR_FILE, content_type="text/plain", name="eicar.txt")
    status, payload = complete(file_id)
    assert (status, payload["data"]["status"]) == (200, "quarantined")
    assert [e.type for e in bus_down] == ["file.virus_detected"]
    assert len(fake_outbox.pending) == 1


def test_a_request_that_fails_after_crossing_80_percent_warns_of_nothing(
    ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    published: list[ServiceEvent],
    bucket: FakeBucket,
    fake_outbox: InMemoryOutbox,
) -> None:
    # GIVEN a tenant at 79% and a presigned POST that cannot be signed
    ledger.used[TENANT] = 790_000

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no signing key")

    monkeypatch.setattr(bucket, "presigned_post", broken)
    # WHEN an upload that would take it to 80% is requested
    status, _payload = request_upload(JANE, size=10_000)
    # THEN it fails, the reservation is given back, and no warning was published or left in the outbox
    assert status == 500
    assert ledger.used[TENANT] == 790_000
    assert published == []
    assert len(fake_outbox.pending) == 0
