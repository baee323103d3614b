"""The registry under in-process moto: its table, the outbox, the idempotency table and a subscriber queue;
a captured bus; callers as the authorizer hands them over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.registry import in_repo, subscriber
from functions.registry.manifest import SERVICE
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_table
from tests.kit import user

ROOT = user("u_root", tenant="platform")  # a platform admin
ACME_ADMIN = user("u_acme_admin", tenant="acme")
GLOBEX_ADMIN = user("u_globex_admin", tenant="globex")
MEMBER = user("u_member", tenant="acme", permissions=("user.read", "file.read"), roles=("member",))


@pytest.fixture(autouse=True)
def aws_resources(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STRATUS_SECRET_PEPPER", "test-pepper")
    with mock_aws():
        for table in (*SERVICE.tables, OUTBOX_TABLE, IDEMPOTENCY_TABLE):
            create_table(table)
        subscriber.subscriber.__dict__.pop("_once", None)
        yield


@pytest.fixture(autouse=True)
def no_in_repo_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's own tests see no in-repo app unless they deploy one (test_in_repo_apps.py)."""
    monkeypatch.setattr(in_repo, "apps", dict)


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events
