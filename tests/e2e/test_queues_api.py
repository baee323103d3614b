"""`GET /api/v1/queues` and `POST /api/v1/queues/{name}/redrive` (functions/monitoring, the console's
Queues screen): a platform admin sees every subscriber queue with its dead letters and moves them back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared import aws
from shared.config import settings
from shared.events import catalog, publisher
from stratus.local import LocalPlatform
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, whole_platform

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def platform() -> Iterator[LocalPlatform]:
    with whole_platform() as running:
        yield running


@pytest.fixture(scope="module")
def api(platform: LocalPlatform) -> Api:
    return Api(platform.url)


@pytest.fixture(scope="module")
def admin(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


def dead_letter(service: str, event_type: str = "user.login") -> str:
    """A real event, as EventBridge hands it to a queue, put straight on `service`'s DLQ; → its event id."""
    event = publisher.build(
        event_type, catalog.sample(event_type), source="auth", tenant_id=settings().platform_tenant
    )
    body = {
        "detail-type": event.type,
        "source": f"stratus.{event.source}",
        "detail": json.loads(event.to_json()),
    }
    sqs = aws.client("sqs")
    dlq = sqs.get_queue_url(QueueName=settings().dlq_name(service))["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(body))
    return event.id


def rows(api: Api, token: str) -> dict[str, dict[str, Any]]:
    reply = api.call("GET", "/api/v1/queues", token=token)
    assert reply.status == 200, reply.body
    return {row["name"]: row for row in reply.body["data"]}


def test_every_subscriber_of_the_catalog_has_a_row_with_its_depths(
    platform: LocalPlatform, api: Api, admin: str
) -> None:
    # WHEN a platform admin lists the queues
    listed = rows(api, admin)
    # THEN there is one row per subscribing service, in the contract's shape
    assert set(listed) == {fn.service for fn in platform.registry.subscribers}
    assert set(listed["audit"]) == {"name", "depth", "inFlight", "deadLetters", "oldestDeadLetterAt"}


def test_a_dead_letter_is_counted_and_a_redrive_gets_it_processed_once(api: Api, admin: str) -> None:
    # GIVEN an audit event that ended in the audit subscriber's DLQ
    event_id = dead_letter("audit")
    row = eventually(lambda: (r := rows(api, admin)["audit"])["deadLetters"] == 1 and r, what="the DLQ row")
    assert row["oldestDeadLetterAt"] is not None
    # WHEN the platform admin redrives it
    reply = api.call("POST", "/api/v1/queues/audit/redrive", token=admin)
    # THEN it moved, the DLQ is empty, and the audit subscriber records the event (once)
    assert reply.status == 200, reply.body
    assert reply.body["data"] == {"moved": 1}
    assert rows(api, admin)["audit"]["deadLetters"] == 0

    def recorded() -> list[Any]:
        found = api.call("GET", "/api/v1/audit?type=user.login", token=admin).body["data"]
        return [r for r in found if r["eventId"] == event_id]

    assert len(eventually(recorded, what="the redriven event in the audit trail")) == 1


def test_an_unknown_queue_is_404_and_a_malformed_name_400(api: Api, admin: str) -> None:
    assert api.call("POST", "/api/v1/queues/no-such-queue/redrive", token=admin).status == 404
    malformed = api.call("POST", "/api/v1/queues/Bad..Name/redrive", token=admin)
    assert malformed.status == 400
    assert malformed.body["error"]["code"] == "INVALID_REQUEST"


def test_a_tenant_admin_can_neither_list_nor_redrive(api: Api, admin: str) -> None:
    # GIVEN the admin of an ordinary tenant (every permission of that tenant) and a dead letter
    tenant_admin = tenant_with_admin(api, admin, "queue-outsider")
    dead_letter("notification")
    # WHEN they ask for the queues or a redrive THEN both are refused and nothing moved
    for method, path in (("GET", "/api/v1/queues"), ("POST", "/api/v1/queues/notification/redrive")):
        reply = api.call(method, path, token=tenant_admin)
        assert reply.status == 403, reply.body
        assert reply.body["error"]["code"] == "PERMISSION_DENIED"
    assert rows(api, admin)["notification"]["deadLetters"] == 1
    assert api.call("GET", "/api/v1/queues").status == 401
    api.call("POST", "/api/v1/queues/notification/redrive", token=admin)  # leave the queue clean
