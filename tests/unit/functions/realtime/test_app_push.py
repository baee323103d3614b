"""An app's push (`realtime.push_requested`, over the bus: apps share realtime's layer) reaches exactly the
named users' connections in the event's tenant — never another user, never another tenant's user of the
same id — and never impersonates the platform's own messages."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from functions.realtime import management, store, subscriber
from shared.declarations import IDEMPOTENCY_TABLE
from stratus.provision import create_table
from tests.kit import deliver, event

MESSAGE = {
    "consultationId": "bk_1",
    "messageId": "msg_1",
    "senderId": "u_ann",
    "body": "hi",
    "createdAt": "x",
}


@pytest.fixture
def posted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """What reached each connection (the management API's PostToConnection, recorded)."""
    create_table(IDEMPOTENCY_TABLE)  # the subscriber's once-per-event record
    sent: list[tuple[str, dict[str, Any]]] = []

    def post(connection_id: str, data: bytes) -> bool:
        sent.append((connection_id, json.loads(data)))
        return True

    monkeypatch.setattr(management, "post", post)
    # GIVEN ann, dre and bob connected in acme, and a user of globex who happens to have ann's id
    for cid, tenant, user in (
        ("c_ann", "acme", "u_ann"),
        ("c_dre", "acme", "u_dre"),
        ("c_bob", "acme", "u_bob"),
    ):
        store.add_pending(cid, time.time() + 10)
        assert store.open_connection(cid, tenant, user, f"s_{cid}", ())
    store.add_pending("g_ann", time.time() + 10)
    assert store.open_connection("g_ann", "globex", "u_ann", "s_g", ())
    return sent


def push_requested(data: dict[str, Any], tenant: str = "acme") -> Any:
    return event("realtime.push_requested", data, source="health", tenant_id=tenant, user_id="u_ann")


def test_a_push_reaches_the_named_users_of_its_tenant_only(posted: list[tuple[str, dict[str, Any]]]) -> None:
    # WHEN the health app asks for a consultation message to be pushed to ann and dre of acme
    data = {
        "tenantId": "acme",
        "userIds": ["u_ann", "u_dre"],
        "type": "consultation_message",
        "data": MESSAGE,
    }
    assert deliver(subscriber, [push_requested(data)]) == []
    # THEN their connections get it, as {type, data, tenantId, timestamp}; bob's and globex's do not
    assert sorted(cid for cid, _ in posted) == ["c_ann", "c_dre"]
    message = posted[0][1]
    assert (message["type"], message["data"], message["tenantId"]) == (
        "consultation_message",
        MESSAGE,
        "acme",
    )
    assert message["timestamp"].endswith("Z")


def test_a_push_cannot_pose_as_a_platform_message(posted: list[tuple[str, dict[str, Any]]]) -> None:
    for reserved in ("notification", "session_ended", "auth_success"):
        data = {"tenantId": "acme", "userIds": ["u_ann"], "type": reserved, "data": {}}
        assert deliver(subscriber, [push_requested(data)]) == []
    assert posted == []


def test_a_push_naming_another_tenant_than_its_event_is_dropped(
    posted: list[tuple[str, dict[str, Any]]],
) -> None:
    # GIVEN an event of acme whose data names globex (a publisher's bug or a forgery)
    data = {"tenantId": "globex", "userIds": ["u_ann"], "type": "consultation_message", "data": MESSAGE}
    assert deliver(subscriber, [push_requested(data, tenant="acme")]) == []
    # THEN nobody gets it: neither globex's u_ann nor acme's
    assert posted == []
