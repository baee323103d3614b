"""The notification service under in-process moto: its table, the idempotency table, a verified sender,
the outbox and the bus (an in-app item announces itself: notification.created), and readers of what SES
and SNS were asked to send."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from functions.notification import inbox_store, subscriber
from functions.notification.manifest import SERVICE
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE
from stratus.provision import create_bus, create_mail_sender, create_table
from tests.kit import deliver, event

ACCOUNT = "123456789012"  # mock_aws's default account
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        for table in SERVICE.tables:
            create_table(table)
        create_table(IDEMPOTENCY_TABLE)
        create_table(OUTBOX_TABLE)
        create_bus()
        create_mail_sender()  # SES (and moto) send only from a verified identity, as provisioning makes it
        # the subscriber builds its idempotency store on first use; each test gets a fresh one
        subscriber.subscriber.__dict__.pop("_once", None)
        yield


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    body: str
    sender: str


def sent_mail() -> list[Mail]:
    return [
        Mail(m.destinations.get("ToAddresses", []), m.subject, m.body, m.source)
        for m in ses_backends[ACCOUNT][REGION].sent_messages
    ]


def mail_to(address: str) -> list[Mail]:
    return [m for m in sent_mail() if address in m.to]


def sent_sms() -> list[tuple[str, str]]:
    return list(sns_backends[ACCOUNT][REGION].sms_messages.values())


# --- building the world through events (the projection is the service's only source) ----------------
def user_created(
    user_id: str,
    email: str,
    *,
    tenant: str = "acme",
    roles: tuple[str, ...] = ("member",),
    profile: dict[str, Any] | None = None,
) -> Any:
    data: dict[str, Any] = {"userId": user_id, "email": email, "tenantId": tenant, "roles": list(roles)}
    if profile is not None:
        data["profile"] = profile
    return event("user.created", data, tenant_id=tenant, user_id=user_id)


def given_users(*events: Any) -> None:
    assert deliver(subscriber, events) == []


def inbox_items(tenant: str, user_id: str) -> list[dict[str, Any]]:
    return inbox_store.inbox_page(tenant, user_id, unread=False, page_size=100, cursor=None)[0]
