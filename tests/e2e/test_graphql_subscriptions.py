"""GraphQL subscriptions over the real-time WebSocket end to end: a real WebSocket client against `stratus
dev`'s `GET /ws` (stratus/websocket.py), the realtime functions API Gateway runs, pushes through the
management API stand-in. The caller's own new notification, a channel message of its own tenant only, and
bad documents answered on the socket."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from stratus.local import LocalPlatform
from tests.e2e.fixtures import whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import tenant_with_admin

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def admins(api: Api) -> dict[str, str]:
    root = str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])
    return {t: tenant_with_admin(api, root, t) for t in ("gs-acme", "gs-globex")}


def receive(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return found


def until(ws: ClientConnection, kind: str, timeout: float = 20.0) -> dict[str, Any]:
    """The next message of type `kind` (others, e.g. the plain `notification` push, are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        message = receive(ws, timeout=max(0.1, deadline - time.monotonic()))
        if message["type"] == kind:
            return message


def nothing_pending(ws: ClientConnection) -> bool:
    """A ping's pong is the next message: nothing was queued before it."""
    ws.send(json.dumps({"type": "ping", "timestamp": 7}))
    return receive(ws) == {"type": "pong", "timestamp": 7}


@contextmanager
def authenticated(local: LocalPlatform, token: str, tenant: str) -> Iterator[ClientConnection]:
    with connect(local.url.replace("http://", "ws://") + "/ws") as ws:
        ws.send(json.dumps({"type": "auth", "token": token, "tenantId": tenant}))
        assert receive(ws)["type"] == "auth_success"
        yield ws


def subscribe(ws: ClientConnection, sub_id: str, query: str, **extra: Any) -> dict[str, Any]:
    ws.send(json.dumps({"type": "graphql_subscribe", "id": sub_id, "query": query, **extra}))
    return receive(ws)


def test_notification_created_pushes_the_users_own_new_notification(
    local: LocalPlatform, api: Api, admins: dict[str, str]
) -> None:
    assert api.register("sub@gs-acme.example", "gs-acme").status == 201
    user = api.login("sub@gs-acme.example", PASSWORD, "gs-acme")
    with authenticated(local, user["accessToken"], "gs-acme") as ws:
        answer = subscribe(ws, "n1", "subscription { notificationCreated { notificationId title read } }")
        assert answer == {"type": "graphql_subscribed", "id": "n1"}
        # WHEN something puts a notification in the user's inbox (a password change does)
        changed = api.call(
            "POST",
            "/api/v1/auth/change-password",
            {"currentPassword": PASSWORD, "newPassword": "another-long-passw0rd"},
            token=user["accessToken"],
        )
        assert changed.status == 204, changed.body
        # THEN it comes as graphql_next, shaped by the document, and is the inbox's newest item
        pushed = until(ws, "graphql_next")
        assert pushed["id"] == "n1"
        created = pushed["payload"]["data"]["notificationCreated"]
        assert set(created) == {"notificationId", "title", "read"}
        inbox = api.call("GET", "/api/v1/notifications", token=user["accessToken"]).body["data"]
        assert created["notificationId"] in {item["notificationId"] for item in inbox}


def test_a_channel_message_reaches_its_own_tenants_subscribers_only(
    local: LocalPlatform, api: Api, admins: dict[str, str]
) -> None:
    query = 'subscription Lab { channelMessage(channel: "lab-results") { type data tenantId } }'
    with (
        authenticated(local, admins["gs-acme"], "gs-acme") as acme,
        authenticated(local, admins["gs-globex"], "gs-globex") as globex,
    ):
        assert subscribe(acme, "a", query)["type"] == "graphql_subscribed"
        assert subscribe(globex, "g", query)["type"] == "graphql_subscribed"
        # globex cannot name acme
        refused = subscribe(globex, "g2", query, tenantId="gs-acme")
        assert refused["type"] == "graphql_error"
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        # WHEN acme (an app, or anyone with realtime.publish) publishes on its channel
        published = api.call(
            "POST",
            "/api/v1/realtime/publish",
            {"channel": "lab-results", "type": "health_alert", "data": {"readingId": "r_1"}},
            token=admins["gs-acme"],
        )
        assert published.status == 200, published.body
        # THEN acme's subscription gets it; globex's channel of the same name gets nothing
        pushed = until(acme, "graphql_next")
        assert pushed == {
            "type": "graphql_next",
            "id": "a",
            "payload": {
                "data": {
                    "channelMessage": {
                        "type": "health_alert",
                        "data": {"readingId": "r_1"},
                        "tenantId": "gs-acme",
                    }
                }
            },
        }
        assert nothing_pending(globex)


# A fragment spread twice in a fragment spread twice...: flat in depth, 2^13 fields once expanded.
FRAGMENT_BOMB = (
    "subscription { notificationCreated { ...F13 } } fragment F0 on NotificationEvent { title } "
    + " ".join(f"fragment F{i} on NotificationEvent {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 14))
)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("subscription { notificationCreated { title ", "Syntax Error"),
        ("subscription { notificationCreated " + "{ a " * 10 + "}" * 11, "levels deep"),
        (FRAGMENT_BOMB, "costs 8193"),
        (
            "subscription { notificationCreated { " + " ".join(f"a{i}: title" for i in range(16)) + " } }",
            "aliases",
        ),
        ("{ me { userId } }", "not supported"),
    ],
)
def test_a_bad_document_is_answered_on_the_socket_which_stays_open(
    local: LocalPlatform, admins: dict[str, str], query: str, says: str
) -> None:
    with authenticated(local, admins["gs-acme"], "gs-acme") as ws:
        answer = subscribe(ws, "bad", query)
        assert answer["type"] == "graphql_error", answer
        assert answer["errors"][0]["extensions"]["code"] == "INVALID_REQUEST"
        assert says in answer["errors"][0]["message"]
        assert nothing_pending(ws)


def test_stratus_ws_subscribes_with_a_graphql_document(
    local: LocalPlatform, api: Api, admins: dict[str, str]
) -> None:
    # GIVEN `stratus ws --graphql` subscribed to a channel of gs-acme
    document = 'subscription { channelMessage(channel: "cli-lab") { type data } }'
    command = [
        sys.executable, "-c", "import sys; from stratus.cli import main; sys.exit(main(sys.argv[1:]))",
        "ws", "--gateway", local.url, "--token", admins["gs-acme"], "--tenant", "gs-acme",
        "--graphql", document, "--count", "1", "--timeout", "30",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as cli:
        assert cli.stdout is not None
        assert json.loads(cli.stdout.readline())["type"] == "auth_success"
        assert json.loads(cli.stdout.readline()) == {"type": "graphql_subscribed", "id": "g1"}
        # WHEN something is published there THEN it prints the shaped push and stops after --count 1
        body = {"channel": "cli-lab", "type": "result", "data": {"ok": True}}
        assert api.call("POST", "/api/v1/realtime/publish", body, token=admins["gs-acme"]).status == 200
        pushed = json.loads(cli.stdout.readline())
        assert pushed["payload"] == {"data": {"channelMessage": {"type": "result", "data": {"ok": True}}}}
        assert cli.wait(timeout=30) == 0


def test_app_message_brings_the_health_apps_consultation_message(
    local: LocalPlatform, api: Api, admins: dict[str, str]
) -> None:
    """An app channel event end to end: the health app pushes a consultation message to its participants
    (realtime.push_requested, through the outbox and the bus); the member's GraphQL subscription gets it."""
    base, admin = "/api/v1/apps/health", admins["gs-acme"]
    enabled = api.call("PUT", "/api/v1/tenants/gs-acme/services/health", {"enabled": True}, token=admin)
    assert enabled.status == 200, enabled.body
    tokens = {}
    for name in ("pat", "dr"):
        assert api.register(f"{name}@gs-acme.example", "gs-acme").status == 201
        login = api.login(f"{name}@gs-acme.example", PASSWORD, "gs-acme")
        tokens[name], tokens[name + "_id"] = login["accessToken"], login["user"]["userId"]
    assert (
        api.call("POST", f"{base}/experts", {"name": "Dr", "specialty": "sleep"}, token=tokens["dr"]).status
        == 201
    )
    assert api.call("POST", f"{base}/experts/{tokens['dr_id']}/verify", token=admin).status == 200
    starts = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    slot = api.call(
        "POST", f"{base}/experts/{tokens['dr_id']}/slots", {"startsAt": starts}, token=tokens["dr"]
    )
    booking = api.call(
        "POST", f"{base}/bookings", {"slotId": slot.body["data"]["slotId"]}, token=tokens["pat"]
    )
    consultation = booking.body["data"]["bookingId"]
    with authenticated(local, tokens["pat"], "gs-acme") as ws:
        query = 'subscription { appMessage(type: "consultation_message") { type data } }'
        assert subscribe(ws, "m", query) == {"type": "graphql_subscribed", "id": "m"}
        sent = api.call(
            "POST",
            f"{base}/consultations/{consultation}/messages",
            {"body": "How did you sleep?"},
            token=tokens["dr"],
        )
        assert sent.status == 201, sent.body
        pushed = until(ws, "graphql_next")
        message = pushed["payload"]["data"]["appMessage"]
        assert message["type"] == "consultation_message"
        assert (message["data"]["body"], message["data"]["senderId"]) == (
            "How did you sleep?",
            tokens["dr_id"],
        )
