"""Webhooks, the receiver's side faked: which apps get an event, the Standard Webhooks signature,
a receiver that times out or answers 500 (the event fails, its message is hidden for an exponential
backoff, every attempt recorded, the last one before the DLQ `dead_lettered`), and no duplicate for an
app that already took the event when the message comes back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from functions.registry import deliveries, delivery, ports, register, subscriber, tenant_services_put
from shared import aws, webhooks
from shared.adapters.lambda_events import LocalContext, sqs_event
from shared.events.model import ServiceEvent
from tests.kit import call, deliver, event
from tests.unit.functions.registry.conftest import ROOT


class Receiver:
    """The apps' webhook endpoints: by URL, a status to answer or an exception to raise."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.got: list[tuple[str, dict[str, str], bytes]] = []

    def open(self, request: Any, timeout: float) -> Any:
        assert timeout == delivery.TIMEOUT_SECONDS
        headers = {k.lower(): v for k, v in request.header_items()}
        self.got.append((request.full_url, headers, request.data))
        answer = self.answers.get(request.full_url, 204)
        if isinstance(answer, Exception):
            raise answer
        if answer >= 400:
            import urllib.error

            raise urllib.error.HTTPError(request.full_url, answer, "no", None, None)  # type: ignore[arg-type]

        class Answer:
            status = answer

            def __enter__(self) -> Answer:
                return self

            def __exit__(self, *_: object) -> None:
                return None

        return Answer()


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Receiver:
    fake = Receiver()
    monkeypatch.setattr(delivery, "_opener", fake)
    return fake


def app(name: str, events: list[str], *, enabled_for: tuple[str, ...] = ("acme",)) -> dict[str, Any]:
    body = {
        "name": name,
        "displayName": name,
        "version": "1",
        "baseUrl": f"https://{name}.example.com",
        "endpoints": [{"method": "GET", "path": "/x"}],
        "events": events,
        "webhookUrl": f"https://{name}.example.com/hooks",
    }
    status, created = call(register, body=body, caller=ROOT)
    assert status == 201, created
    for tenant in enabled_for:
        params = {"tenantId": tenant, "name": name}
        assert call(tenant_services_put, params=params, body={"enabled": True}, caller=ROOT)[0] == 200
    data: dict[str, Any] = created["data"]
    return data


def created(tenant: str = "acme") -> ServiceEvent:
    data = {"userId": "u_1", "email": "a@acme.example", "tenantId": tenant, "roles": ["member"]}
    return event("user.created", data, tenant_id=tenant)


def test_an_event_goes_to_the_apps_that_want_it_signed_per_standard_webhooks(receiver: Receiver) -> None:
    crm = app("crm", ["user.*"])
    app("erp", ["file.*"])  # another type
    app("hr", ["*"], enabled_for=("globex",))  # another tenant
    sent = created()
    assert deliver(subscriber, [sent]) == []
    [(url, headers, body)] = receiver.got
    assert url == "https://crm.example.com/hooks"
    assert json.loads(body)["id"] == sent.id
    assert headers["webhook-id"] == sent.id
    assert webhooks.verify(headers, body, crm["webhookSecret"])["id"] == sent.id
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify(headers, body + b" ", crm["webhookSecret"])
    attempts = call(deliveries, params={"serviceId": crm["serviceId"]}, caller=ROOT)[1]["data"]
    assert [(a["eventId"], a["status"], a["attempt"]) for a in attempts] == [(sent.id, "delivered", 1)]


@pytest.mark.parametrize("failure", [500, TimeoutError("timed out")], ids=["answers 500", "times out"])
def test_a_failing_receiver_is_retried_then_dead_lettered_and_nothing_lost(
    receiver: Receiver, failure: Any
) -> None:
    # GIVEN two apps, one of whose receivers fails
    crm, erp = app("crm", ["user.*"]), app("erp", ["user.created"])
    receiver.answers["https://crm.example.com/hooks"] = failure
    sent = created()
    # WHEN the event comes (and comes back) six times
    for _ in range(delivery.MAX_ATTEMPTS):
        with pytest.raises(delivery.DeliveryFailed):  # the message fails: SQS will redeliver it
            subscriber.subscriber.process(sent)
    # THEN the good app got it once, the failing one six times; the sixth attempt says dead_lettered
    urls = [url for url, _, _ in receiver.got]
    assert urls.count("https://erp.example.com/hooks") == 1
    assert urls.count("https://crm.example.com/hooks") == delivery.MAX_ATTEMPTS
    attempts = call(deliveries, params={"serviceId": crm["serviceId"]}, caller=ROOT)[1]["data"]
    assert [a["status"] for a in attempts] == ["dead_lettered"] + ["failed"] * (delivery.MAX_ATTEMPTS - 1)
    assert attempts[0]["attempt"] == delivery.MAX_ATTEMPTS
    assert attempts[0]["error"]
    # and once the receiver is fixed, a redriven message delivers it (to the failing app only)
    receiver.answers.clear()
    assert deliver(subscriber, [sent]) == []
    assert ports.store().delivered(crm["serviceId"], sent.id)
    assert ports.store().delivered(erp["serviceId"], sent.id)
    assert [url for url, _, _ in receiver.got].count("https://erp.example.com/hooks") == 1


def test_the_backoff_is_exponential_and_applied_to_the_message(receiver: Receiver, dynamodb: None) -> None:
    """On moto: the kernel hides the failed message on a real queue."""
    assert [delivery.backoff(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]
    app("crm", ["user.*"])
    receiver.answers["https://crm.example.com/hooks"] = 503
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="stratus-test-registry-events")["QueueUrl"]
    sent = created()
    body = json.dumps({"detail-type": sent.type, "detail": json.loads(sent.to_json())})
    sqs.send_message(QueueUrl=url, MessageBody=body)
    for receive in (1, 2):
        [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"], VisibilityTimeout=0)["Messages"]
        assert message["Attributes"]["ApproximateReceiveCount"] == str(receive)
        batch = sqs_event(
            [message], queue_arn="arn:aws:sqs:us-east-1:123456789012:stratus-test-registry-events"
        )
        with pytest.raises(BatchProcessingError):  # a batch of one that failed: all of it comes back
            subscriber.handler(batch, LocalContext("registry-subscriber"))
        # hidden for the backoff: not receivable now
        assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )


def test_events_without_a_tenant_or_of_disabled_apps_go_nowhere(receiver: Receiver) -> None:
    app("crm", ["*"])
    params = {"tenantId": "acme", "name": "crm"}
    assert call(tenant_services_put, params=params, body={"enabled": False}, caller=ROOT)[0] == 200
    system = event("system.job_completed", _job(), source="jobs", tenant_id=None)
    assert deliver(subscriber, [created(), system]) == []
    assert receiver.got == []


def test_a_message_addressed_to_users_reaches_no_app_even_one_that_wants_every_event(
    receiver: Receiver,
) -> None:
    # GIVEN an app enabled by the tenant that asked for every event, and one for realtime.*
    app("crm", ["*"])
    app("spy", ["realtime.*"])
    # WHEN a consultation message is on its way to its two participants' sockets
    private = event(
        "realtime.push_requested",
        {
            "tenantId": "acme",
            "userIds": ["u_1", "u_2"],
            "type": "consultation_message",
            "data": {"body": "hi"},
        },
        tenant_id="acme",
    )
    assert deliver(subscriber, [private]) == []
    # THEN no webhook carries it, while a tenant event still goes out
    assert receiver.got == []
    assert deliver(subscriber, [created()]) == []
    assert {url for url, _, _ in receiver.got} == {"https://crm.example.com/hooks"}


def _job() -> dict[str, Any]:
    from shared.events import catalog

    return dict(catalog.sample("system.job_completed"))
