"""Real-time push end to end (API.md "Real-time push", issue 18): a real WebSocket client against
`stratus dev` at `GET /ws`, the same functions API Gateway runs, pushes through the management API
stand-in. Each attack of the issue is a test here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from shared import aws
from shared.config import settings
from stratus.local import LocalPlatform
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, whole_platform

pytestmark = pytest.mark.timeout(300)

AUTH_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    with whole_platform(STRATUS_WS_AUTH_TIMEOUT=str(AUTH_TIMEOUT)) as platform:
        yield platform


@pytest.fixture(scope="module")
def api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module")
def admin_token(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


@pytest.fixture(scope="module")
def acme(api: Api, admin_token: str) -> str:
    return tenant_with_admin(api, admin_token, "rt-acme")


@pytest.fixture(scope="module")
def globex(api: Api, admin_token: str) -> str:
    return tenant_with_admin(api, admin_token, "rt-globex")


def ws_url(local: LocalPlatform) -> str:
    return local.url.replace("http://", "ws://") + "/ws"


def member(api: Api, tenant: str, name: str) -> dict[str, Any]:
    email = f"{name}@{tenant}.example"
    registered = api.register(email, tenant)
    assert registered.status == 201, registered.body
    return api.login(email, PASSWORD, tenant) | {"userId": registered.body["data"]["userId"]}


def receive(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return found


@contextmanager
def authenticated(local: LocalPlatform, token: str, tenant: str) -> Iterator[ClientConnection]:
    with connect(ws_url(local)) as ws:
        ws.send(json.dumps({"type": "auth", "token": token, "tenantId": tenant}))
        answer = receive(ws)
        assert answer["type"] == "auth_success", answer
        yield ws


def closed_with(ws: ClientConnection, timeout: float = 10.0) -> int | None:
    """Read until the server closes; → the close code it sent."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ws.recv(timeout=max(0.01, deadline - time.monotonic()))
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError("the server did not close the connection")


def subscribe(ws: ClientConnection, channel: str) -> None:
    ws.send(json.dumps({"type": "subscribe", "channel": channel}))
    assert receive(ws) == {"type": "subscribed", "channel": channel}


def publish(api: Api, token: str, channel: str, data: dict[str, Any], kind: str = "attendance_update") -> Any:
    return api.call(
        "POST", "/api/v1/realtime/publish", {"channel": channel, "type": kind, "data": data}, token=token
    )


def realtime_rows() -> list[dict[str, Any]]:
    """Every item of the realtime table (a Scan: only tests do this)."""
    table = settings().table_name("realtime")
    return list(aws.client("dynamodb").scan(TableName=table, ConsistentRead=True).get("Items", []))


# --- the protocol ------------------------------------------------------------------------------------------
def test_auth_ping_subscribe_and_a_published_message_arrive(
    local: LocalPlatform, api: Api, acme: str
) -> None:
    # GIVEN a connection authenticated with the tenant admin's token
    with authenticated(local, acme, "rt-acme") as ws:
        # WHEN it pings and subscribes, and someone publishes on the channel
        ws.send(json.dumps({"type": "ping", "timestamp": 1234}))
        assert receive(ws) == {"type": "pong", "timestamp": 1234}
        subscribe(ws, "attendance")
        sent = publish(api, acme, "attendance", {"studentId": "s_1", "status": "present", "timestamp": 1})
        # THEN the publish says one connection got it, and the client sees seed 001's message
        assert sent.status == 200, sent.body
        assert sent.body["data"]["delivered"] == 1
        pushed = receive(ws)
        assert pushed["type"] == "attendance_update"
        assert pushed["channel"] == "attendance"
        assert pushed["tenantId"] == "rt-acme"
        assert pushed["data"] == {"studentId": "s_1", "status": "present", "timestamp": 1}
        assert isinstance(pushed["timestamp"], str)
        # AND after unsubscribing nothing more arrives
        ws.send(json.dumps({"type": "unsubscribe", "channel": "attendance"}))
        assert receive(ws) == {"type": "unsubscribed", "channel": "attendance"}
        assert publish(api, acme, "attendance", {"n": 2}).body["data"]["delivered"] == 0


def test_auth_success_names_the_user_and_tenant(local: LocalPlatform, api: Api, acme: str) -> None:
    me = api.call("GET", "/api/v1/users/me", token=acme).body["data"]
    with connect(ws_url(local)) as ws:
        ws.send(json.dumps({"type": "auth", "token": acme, "tenantId": "rt-acme"}))
        assert receive(ws) == {"type": "auth_success", "userId": me["userId"], "tenantId": "rt-acme"}


# --- attacks -----------------------------------------------------------------------------------------------
def test_a_connection_without_an_auth_message_is_closed_after_the_timeout(local: LocalPlatform) -> None:
    # GIVEN a connection that never authenticates
    with connect(ws_url(local)) as ws:
        began = time.monotonic()
        # THEN after the auth timeout it gets auth_error and is closed with 4401
        answer = receive(ws, timeout=AUTH_TIMEOUT + 5)
        assert answer["type"] == "auth_error"
        assert answer["code"] == "UNAUTHORIZED"
        assert closed_with(ws) == 4401
        assert time.monotonic() - began >= AUTH_TIMEOUT * 0.9


def test_a_late_auth_message_is_refused(local: LocalPlatform, acme: str) -> None:
    # WHEN the auth message comes after the deadline: the server has already closed
    with connect(ws_url(local)) as ws:
        time.sleep(AUTH_TIMEOUT + 0.5)
        with pytest.raises(ConnectionClosed):
            ws.send(json.dumps({"type": "auth", "token": acme, "tenantId": "rt-acme"}))
        # THEN what it got is the refusal, never auth_success
        assert receive(ws)["code"] == "UNAUTHORIZED"


def test_a_token_of_tenant_a_with_the_tenant_id_of_b_is_refused(
    local: LocalPlatform, acme: str, globex: str
) -> None:
    with connect(ws_url(local)) as ws:
        ws.send(json.dumps({"type": "auth", "token": acme, "tenantId": "rt-globex"}))
        answer = receive(ws)
        assert answer["type"] == "auth_error"
        assert answer["code"] == "FORBIDDEN"
        assert closed_with(ws) == 4401


def test_an_expired_token_is_refused(local: LocalPlatform, acme: str) -> None:
    # GIVEN a token signed with the platform's own key, but expired a minute ago
    claims = jwt.decode(acme, options={"verify_signature": False})
    claims |= {"iat": int(time.time()) - 3600, "exp": int(time.time()) - 60}
    expired = jwt.encode(
        claims, os.environ["STRATUS_JWT_PRIVATE_KEY"], algorithm="RS256", headers={"kid": settings().jwt_kid}
    )
    with connect(ws_url(local)) as ws:
        ws.send(json.dumps({"type": "auth", "token": expired, "tenantId": "rt-acme"}))
        answer = receive(ws)
        assert answer["type"] == "auth_error"
        assert answer["code"] == "TOKEN_EXPIRED"
        assert closed_with(ws) == 4401


def test_a_forged_token_is_refused(local: LocalPlatform, acme: str) -> None:
    header, body, _signature = acme.split(".")
    with connect(ws_url(local)) as ws:
        ws.send(json.dumps({"type": "auth", "token": f"{header}.{body}.AAAA", "tenantId": "rt-acme"}))
        answer = receive(ws)
        assert answer["type"] == "auth_error"
        assert answer["code"] == "INVALID_TOKEN"
        assert closed_with(ws) == 4401


@pytest.mark.parametrize(
    "frame",
    [
        "not json at all{",
        "[1, 2, 3]",
        '"a string"',
        '{"no": "type"}',
        '{"type": "launch_missiles"}',
        '{"type": "subscribe"}',
        '{"type": "subscribe", "channel": "bad#channel"}',
        '{"type": "ping", "timestamp": "yesterday"}',
        b"\xff\xfe\x00binary",
    ],
)
def test_garbage_frames_get_an_error_and_the_connection_lives(
    local: LocalPlatform, acme: str, frame: str | bytes
) -> None:
    with authenticated(local, acme, "rt-acme") as ws:
        ws.send(frame)
        answer = receive(ws)
        assert (answer["type"], answer["code"]) == ("error", "INVALID_REQUEST"), answer
        ws.send(json.dumps({"type": "ping", "timestamp": 7}))
        assert receive(ws) == {"type": "pong", "timestamp": 7}


def test_garbage_before_auth_is_answered_and_auth_still_works(local: LocalPlatform, acme: str) -> None:
    with connect(ws_url(local)) as ws:
        ws.send("}{")
        assert receive(ws)["code"] == "INVALID_REQUEST"
        ws.send(json.dumps({"type": "auth", "token": acme, "tenantId": "rt-acme"}))
        assert receive(ws)["type"] == "auth_success"


def test_an_oversized_frame_closes_the_connection_with_1009(local: LocalPlatform, acme: str) -> None:
    # GIVEN API Gateway's 32 KB frame limit  WHEN a client sends a 40 KB frame
    with authenticated(local, acme, "rt-acme") as ws:
        ws.send(json.dumps({"type": "ping", "timestamp": 1, "pad": "x" * 40_000}))
        # THEN the connection is closed as "message too big"
        assert closed_with(ws) == 1009


def test_two_tenants_with_the_same_channel_name_never_see_each_other(
    local: LocalPlatform, api: Api, acme: str, globex: str
) -> None:
    # GIVEN a connection of each tenant on a channel of the same name
    with authenticated(local, acme, "rt-acme") as a, authenticated(local, globex, "rt-globex") as g:
        subscribe(a, "shared-name")
        subscribe(g, "shared-name")
        # WHEN acme publishes
        assert publish(api, acme, "shared-name", {"from": "acme"}).body["data"]["delivered"] == 1
        # THEN only acme's connection gets it; globex's next message is its own tenant's
        assert receive(a)["data"] == {"from": "acme"}
        assert publish(api, globex, "shared-name", {"from": "globex"}).body["data"]["delivered"] == 1
        got = receive(g)
        assert got["data"] == {"from": "globex"}
        assert got["tenantId"] == "rt-globex"


def test_subscribing_to_another_tenants_channel_is_refused(
    local: LocalPlatform, api: Api, acme: str, globex: str
) -> None:
    with authenticated(local, globex, "rt-globex") as g, authenticated(local, acme, "rt-acme") as a:
        # WHEN globex names acme's tenant in a subscribe
        g.send(json.dumps({"type": "subscribe", "channel": "attendance", "tenantId": "rt-acme"}))
        assert receive(g)["code"] == "FORBIDDEN"
        # AND tries key tricks in the channel name
        g.send(json.dumps({"type": "subscribe", "channel": "TENANT#rt-acme#CHANNEL#attendance"}))
        assert receive(g)["code"] == "INVALID_REQUEST"
        subscribe(a, "attendance")
        # THEN acme's publish reaches acme's connection only
        assert publish(api, acme, "attendance", {"secret": 1}).body["data"]["delivered"] == 1
        assert receive(a)["data"] == {"secret": 1}
        g.send(json.dumps({"type": "ping", "timestamp": 9}))
        assert receive(g) == {"type": "pong", "timestamp": 9}


def test_publishing_needs_realtime_publish_and_a_platform_type(
    local: LocalPlatform, api: Api, acme: str
) -> None:
    user = member(api, "rt-acme", "pub")
    # GIVEN a member (realtime.subscribe, not realtime.publish)
    refused = publish(api, user["accessToken"], "attendance", {"x": 1})
    assert refused.status == 403
    assert refused.body["error"]["code"] == "PERMISSION_DENIED"
    # AND nobody may impersonate the platform's own message types, or use a bad channel
    assert publish(api, acme, "attendance", {}, kind="session_ended").status == 400
    assert publish(api, acme, "no#hash", {}).status == 400
    assert api.call("POST", "/api/v1/realtime/publish", {"channel": "a"}).status == 401
    # WHEN the member, given a role with realtime.subscribe (members have not), subscribes
    listener = {"name": "listener", "permissions": ["realtime.subscribe"]}
    assert api.call("POST", "/api/v1/roles", listener, token=acme).status == 201
    granted = api.call("POST", f"/api/v1/users/{user['userId']}/roles", {"role": "listener"}, token=acme)
    assert granted.status in (200, 201, 204), granted.body
    # THEN (with the token it had: the permissions are re-read as the user's epoch moved) it gets the publish
    with authenticated(local, user["accessToken"], "rt-acme") as ws:
        subscribe(ws, "attendance")
        assert publish(api, acme, "attendance", {"ok": True}).body["data"]["delivered"] == 1
        assert receive(ws)["data"] == {"ok": True}


def test_subscribing_needs_realtime_subscribe(local: LocalPlatform, api: Api, acme: str) -> None:
    # GIVEN a role without realtime.subscribe, the only role of a new user
    assert (
        api.call("POST", "/api/v1/roles", {"name": "reader", "permissions": ["user.read"]}, token=acme).status
        == 201
    )
    user = member(api, "rt-acme", "nosub")
    assigned = api.call("POST", f"/api/v1/users/{user['userId']}/roles", {"role": "reader"}, token=acme)
    assert assigned.status in (200, 201, 204), assigned.body
    removed = api.call("DELETE", f"/api/v1/users/{user['userId']}/roles/member", token=acme)
    assert removed.status in (200, 204), removed.body
    token = api.login("nosub@rt-acme.example", PASSWORD, "rt-acme")["accessToken"]
    with authenticated(local, token, "rt-acme") as ws:
        ws.send(json.dumps({"type": "subscribe", "channel": "attendance"}))
        assert receive(ws)["code"] == "PERMISSION_DENIED"


# --- what the platform pushes ------------------------------------------------------------------------------
def test_a_new_in_app_notification_is_pushed_to_the_users_connections(local: LocalPlatform, api: Api) -> None:
    user = member(api, "rt-acme", "notified")
    with authenticated(local, user["accessToken"], "rt-acme") as ws:
        # WHEN something puts a notification in the user's inbox (a password change does)
        changed = api.call(
            "POST",
            "/api/v1/auth/change-password",
            {"currentPassword": PASSWORD, "newPassword": "another-long-passw0rd"},
            token=user["accessToken"],
        )
        assert changed.status == 204, changed.body
        # THEN it is pushed, as the inbox lists it
        pushed = receive(ws, timeout=20)
        assert pushed["type"] == "notification", pushed
        inbox = api.call("GET", "/api/v1/notifications", token=user["accessToken"]).body["data"]
        newest = next(item for item in inbox if item["notificationId"] == pushed["data"]["notificationId"])
        assert pushed["data"] == newest


def test_logout_ends_the_sessions_connections_with_session_ended(local: LocalPlatform, api: Api) -> None:
    user = member(api, "rt-acme", "leaver")
    with authenticated(local, user["accessToken"], "rt-acme") as ws:
        assert api.call("POST", "/api/v1/auth/logout", token=user["accessToken"]).status == 204
        assert receive(ws, timeout=20) == {"type": "session_ended"}
        assert closed_with(ws) == 1000


def test_a_suspended_user_is_disconnected(local: LocalPlatform, api: Api, acme: str) -> None:
    user = member(api, "rt-acme", "suspect")
    with authenticated(local, user["accessToken"], "rt-acme") as ws:
        assert api.call("POST", f"/api/v1/users/{user['userId']}/suspend", token=acme).status == 200
        assert receive(ws, timeout=20) == {"type": "session_ended"}
        assert closed_with(ws) == 1000
    # AND the suspended user cannot come back
    with connect(ws_url(local)) as ws:
        ws.send(json.dumps({"type": "auth", "token": user["accessToken"], "tenantId": "rt-acme"}))
        answer = receive(ws)
        assert answer["type"] == "auth_error"
        assert answer["code"] == "USER_SUSPENDED"
        assert closed_with(ws) == 4401


def test_a_suspended_tenant_loses_every_connection(local: LocalPlatform, api: Api, admin_token: str) -> None:
    token = tenant_with_admin(api, admin_token, "rt-doomed")
    with (
        authenticated(local, token, "rt-doomed") as first,
        authenticated(local, token, "rt-doomed") as second,
    ):
        suspended = api.call("POST", "/api/v1/tenants/rt-doomed/suspend", token=admin_token)
        assert suspended.status == 200, suspended.body
        for ws in (first, second):
            assert receive(ws, timeout=20) == {"type": "session_ended"}
            assert closed_with(ws) == 1000


# --- limits ------------------------------------------------------------------------------------------------
def test_the_tenant_connection_quota_closes_with_4429(
    local: LocalPlatform, api: Api, admin_token: str
) -> None:
    # GIVEN a tenant whose configuration allows two connections
    token = tenant_with_admin(api, admin_token, "rt-small")
    put = api.call("PUT", "/api/v1/config/tenant/realtime", {"value": {"maxConnections": 2}}, token=token)
    assert put.status == 200, put.body
    # WHEN a third authenticates while two are open
    with (
        authenticated(local, token, "rt-small"),
        authenticated(local, token, "rt-small"),
        connect(ws_url(local)) as third,
    ):
        third.send(json.dumps({"type": "auth", "token": token, "tenantId": "rt-small"}))
        answer = receive(third)
        # THEN it is refused with 4429
        assert answer["type"] == "error"
        assert answer["code"] == "TENANT_QUOTA_EXCEEDED"
        assert closed_with(third) == 4429
    # AND once those two are closed, a new one fits again
    eventually(lambda: _tenant_connections("rt-small") == 0 or None, what="the rows of closed connections")
    with authenticated(local, token, "rt-small"):
        pass


def _tenant_connections(tenant: str) -> int:
    return sum(1 for row in realtime_rows() if row["pk"]["S"] == f"TENANT#{tenant}#CONNS")


def test_a_thousand_connect_disconnect_cycles_leave_no_rows(
    local: LocalPlatform, api: Api, admin_token: str
) -> None:
    token = tenant_with_admin(api, admin_token, "rt-cycles")
    eventually(
        lambda: local.websockets.open_connections() == 0 or None, what="earlier tests' connections closed"
    )
    before = {(row["pk"]["S"], row["sk"]["S"]) for row in realtime_rows()}
    # WHEN 1,000 connections open and close: every tenth authenticates and subscribes first
    for n in range(1000):
        with connect(ws_url(local)) as ws:
            if n % 10 == 0:
                ws.send(json.dumps({"type": "auth", "token": token, "tenantId": "rt-cycles"}))
                assert receive(ws)["type"] == "auth_success"
                subscribe(ws, f"room-{n % 7}")
    # THEN the local server holds no connection and the table no row of theirs
    eventually(lambda: local.websockets.open_connections() == 0 or None, what="every connection closed")

    def left() -> set[tuple[str, str]]:
        return {(row["pk"]["S"], row["sk"]["S"]) for row in realtime_rows()} - before

    eventually(lambda: not left() or None, timeout=30, what="no rows left")


def test_a_connection_api_gateway_forgot_is_deleted_when_a_push_gets_410(
    local: LocalPlatform, api: Api, acme: str
) -> None:
    from functions.realtime import store

    # GIVEN rows of a connection that is gone without its $disconnect (a crash)
    store.add_pending("ghost=", time.time() + 60)
    assert store.open_connection("ghost=", "rt-acme", "u_ghost", "s_ghost", ("realtime.subscribe",))
    ghost = store.get("ghost=")
    assert ghost is not None
    assert store.subscribe(ghost, "haunted")
    # WHEN a push to its channel answers 410 Gone
    sent = publish(api, acme, "haunted", {"boo": 1})
    # THEN it counts as gone, and its rows are deleted
    assert sent.status == 200
    assert sent.body["data"] == {
        "channel": "haunted",
        "type": "attendance_update",
        "delivered": 0,
        "gone": 1,
    }
    assert store.get("ghost=") is None
    assert store.channel_connections("rt-acme", "haunted") == []
    assert store.user_connections("rt-acme", "u_ghost") == []


def test_stratus_ws_prints_the_pushes(local: LocalPlatform, api: Api, acme: str) -> None:
    # GIVEN `stratus ws` subscribed to a channel
    command = [
        sys.executable, "-c", "import sys; from stratus.cli import main; sys.exit(main(sys.argv[1:]))",
        "ws", "--gateway", local.url, "--token", acme, "--tenant", "rt-acme",
        "--subscribe", "cli-room", "--count", "1", "--timeout", "30",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as cli:
        assert cli.stdout is not None
        assert json.loads(cli.stdout.readline())["type"] == "auth_success"
        assert json.loads(cli.stdout.readline()) == {"type": "subscribed", "channel": "cli-room"}
        # WHEN something is published there
        assert publish(api, acme, "cli-room", {"hello": "cli"}).body["data"]["delivered"] == 1
        # THEN it prints the push and stops after --count 1
        assert json.loads(cli.stdout.readline())["data"] == {"hello": "cli"}
        assert cli.wait(timeout=30) == 0
