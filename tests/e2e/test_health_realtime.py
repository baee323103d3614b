"""The health app's real-time side through `stratus dev`, with a real WebSocket client on `GET /ws`: an
out-of-range reading becomes an inbox item (`GET /api/v1/notifications`) pushed to the owner's socket, and
a consultation message reaches the other participant's socket — not a third member's, not another
tenant's (docs/health.md, "Real time")."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from stratus.local import LocalPlatform
from tests.e2e.conftest import Reply
from tests.e2e.fixtures import whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
TENANT, OTHER = "hrt-acme", "hrt-globex"
BASE = "/api/v1/apps/health"
Message = dict[str, Any]


@pytest.fixture(scope="module")
def admin(api: Api) -> str:
    root = str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])
    token = tenant_with_admin(api, root, TENANT)
    ok(api.call("PUT", f"/api/v1/tenants/{TENANT}/services/health", {"enabled": True}, token=token))
    other = tenant_with_admin(api, root, OTHER)
    ok(api.call("PUT", f"/api/v1/tenants/{OTHER}/services/health", {"enabled": True}, token=other))
    return token


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body["data"] if reply.body else None


def member(api: Api, name: str, tenant: str = TENANT) -> tuple[str, str]:
    """→ (access token, user id)."""
    assert api.register(f"{name}@{tenant}.example", tenant).status == 201
    login = api.login(f"{name}@{tenant}.example", PASSWORD, tenant)
    return str(login["accessToken"]), str(login["user"]["userId"])


@contextmanager
def socket(local: LocalPlatform, token: str, tenant: str = TENANT) -> Iterator[ClientConnection]:
    with connect(local.url.replace("http://", "ws://") + "/ws") as ws:
        ws.send(json.dumps({"type": "auth", "token": token, "tenantId": tenant}))
        answer = json.loads(ws.recv(timeout=10))
        assert answer["type"] == "auth_success", answer
        yield ws


def wait_for(ws: ClientConnection, wanted: Callable[[Message], bool], timeout: float = 20.0) -> Message:
    """The first message `wanted` accepts; others (a welcome notification, say) are passed over."""
    deadline = time.monotonic() + timeout
    while True:
        message: Message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if wanted(message):
            return message


def everything_before_a_pong(ws: ClientConnection) -> list[Message]:
    """What reached the socket so far: a ping's pong comes after anything pushed before it."""
    ws.send(json.dumps({"type": "ping", "timestamp": 7}))
    seen: list[Message] = []
    while (message := json.loads(ws.recv(timeout=10))) != {"type": "pong", "timestamp": 7}:
        seen.append(message)
    return seen


def is_consultation_message(message: Message) -> bool:
    return message.get("type") == "consultation_message"


def test_an_out_of_range_reading_lands_in_the_inbox_and_is_pushed(
    local: LocalPlatform, api: Api, admin: str
) -> None:
    ann, _ = member(api, "ann")
    with socket(local, ann) as ws:
        # WHEN ann records a heart rate of 150 bpm (over 60-100)
        measured = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        body = {"type": "heart_rate", "value": 150, "unit": "bpm", "measuredAt": measured}
        assert ok(api.call("POST", f"{BASE}/readings", body, token=ann), 201)["outOfRange"] is True
        # THEN her socket gets the notice as the platform pushes inbox items
        pushed = wait_for(ws, lambda m: m["type"] == "notification" and m["data"]["type"] == "health_alert")
        assert pushed["data"]["title"] == "Heart rate out of range"
        assert "150" not in pushed["data"]["body"]  # the value stays sealed in the app
    # AND her inbox lists it
    inbox = ok(api.call("GET", "/api/v1/notifications", token=ann))
    [listed] = [n for n in inbox if n["type"] == "health_alert"]
    assert listed["notificationId"] == pushed["data"]["notificationId"]
    assert listed["read"] is False


def test_a_consultation_message_reaches_the_other_participant_only(
    local: LocalPlatform, api: Api, admin: str
) -> None:
    # GIVEN dre, a verified expert, with a slot that bea booked; bob another member; gus of another tenant
    bea, bea_id = member(api, "bea")
    dre, dre_id = member(api, "dre")
    bob, _ = member(api, "bob")
    gus, _ = member(api, "gus", OTHER)
    ok(api.call("POST", f"{BASE}/experts", {"name": "Dr Dre", "specialty": "cardiology"}, token=dre), 201)
    ok(api.call("POST", f"{BASE}/experts/{dre_id}/verify", token=admin))
    starts = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    slot = ok(api.call("POST", f"{BASE}/experts/{dre_id}/slots", {"startsAt": starts}, token=dre), 201)
    booking = ok(api.call("POST", f"{BASE}/bookings", {"slotId": slot["slotId"]}, token=bea), 201)
    path = f"{BASE}/consultations/{booking['bookingId']}/messages"
    with (
        socket(local, bea) as bea_ws,
        socket(local, dre) as dre_ws,
        socket(local, bob) as bob_ws,
        socket(local, gus, OTHER) as gus_ws,
    ):
        # WHEN bea writes to dre
        sent = ok(api.call("POST", path, {"body": "My heart races at night"}, token=bea), 201)
        # THEN dre's socket gets the message as the API shows it, in his tenant
        got = wait_for(dre_ws, is_consultation_message)
        assert got["data"] == sent
        assert (got["tenantId"], got["data"]["senderId"]) == (TENANT, bea_id)
        # AND bea's other devices see it too (her socket), and dre's answer reaches her
        assert wait_for(bea_ws, is_consultation_message)["data"]["messageId"] == sent["messageId"]
        reply = ok(api.call("POST", path, {"body": "Let us look at your readings"}, token=dre), 201)
        assert wait_for(bea_ws, is_consultation_message)["data"] == reply
        # AND neither bob (same tenant, not a participant) nor gus (another tenant) got anything of it
        time.sleep(1.0)  # past the pushes to the participants, which went out at the same time
        for outsider in (bob_ws, gus_ws):
            assert [m for m in everything_before_a_pong(outsider) if is_consultation_message(m)] == []


def test_the_inbox_and_socket_of_another_tenant_get_no_alert(
    local: LocalPlatform, api: Api, admin: str
) -> None:
    # GIVEN a member of the other tenant connected
    gia, _ = member(api, "gia", OTHER)
    cal, _ = member(api, "cal")
    with socket(local, gia, OTHER) as gia_ws:
        measured = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        body = {"type": "glucose", "value": 12, "unit": "mmol/L", "measuredAt": measured}
        # WHEN cal of acme records a high glucose and its notice reaches cal's inbox
        ok(api.call("POST", f"{BASE}/readings", body, token=cal), 201)

        def noticed() -> list[Message]:
            items: list[Message] = ok(api.call("GET", "/api/v1/notifications", token=cal))
            return [n for n in items if n["type"] == "health_alert"]

        eventually(noticed, what="cal's alert notice")
        # THEN gia saw no health alert, on her socket or in her inbox
        seen = everything_before_a_pong(gia_ws)
        assert [m for m in seen if m.get("data", {}).get("type") == "health_alert"] == []
        assert [
            n for n in ok(api.call("GET", "/api/v1/notifications", token=gia)) if n["type"] == "health_alert"
        ] == []
