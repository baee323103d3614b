"""The subscriber base on in-process moto: idempotent on event id, partial batch failures."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from moto import mock_aws

from shared.adapters.lambda_events import LocalContext
from shared.declarations import IDEMPOTENCY_TABLE
from stratus.provision import create_table
from tests.conftest import load_event
from tests.fixtures.echo import subscriber as echo

CTX = LocalContext("echo-subscriber")


@pytest.fixture(autouse=True)
def _idempotency_table() -> Iterator[None]:
    with mock_aws():
        create_table(IDEMPOTENCY_TABLE)
        echo.seen.clear()
        # the subscriber builds its persistence layer on first use; give each test a fresh one
        echo.subscriber.__dict__.pop("_once", None)
        yield


def batch_of(*event_ids: str, poison: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    template = load_event("sqs_user_created")["Records"][0]
    records = []
    for n, event_id in enumerate(event_ids):
        record = copy.deepcopy(template)
        envelope = json.loads(record["body"])
        envelope["detail"]["id"] = event_id
        envelope["detail"]["data"]["poison"] = event_id in poison
        record["body"] = json.dumps(envelope)
        record["messageId"] = f"m{n}"
        records.append(record)
    return {"Records": records}


def test_each_event_runs_once_even_when_delivered_twice() -> None:
    # GIVEN an event delivered, then delivered again (SQS is at-least-once)
    assert echo.handler(batch_of("evt_1"), CTX) == {"batchItemFailures": []}
    assert echo.handler(batch_of("evt_1"), CTX) == {"batchItemFailures": []}
    # THEN the handler ran once
    assert [e.id for e in echo.seen] == ["evt_1"]


def test_only_the_failing_message_of_a_batch_is_returned_for_redelivery() -> None:
    result = echo.handler(batch_of("evt_a", "evt_b", "evt_c", poison={"evt_b"}), CTX)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert sorted(e.id for e in echo.seen) == ["evt_a", "evt_c"]


def test_a_failed_event_is_not_remembered_so_its_retry_runs() -> None:
    # a batch whose every message fails fails as a whole (Lambda then retries all of it)
    with pytest.raises(BatchProcessingError):
        echo.handler(batch_of("evt_x", poison={"evt_x"}), CTX)
    retried = batch_of("evt_x")
    assert echo.handler(retried, CTX) == {"batchItemFailures": []}
    assert [e.id for e in echo.seen] == ["evt_x"]


def test_handlers_can_only_claim_types_the_subscription_routes_to_them() -> None:
    with pytest.raises(ValueError, match="does not subscribe"):
        echo.subscriber.on("file.uploaded")
