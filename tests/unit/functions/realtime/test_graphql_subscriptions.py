"""GraphQL subscriptions over the socket (functions/realtime/graphql_subscriptions.py), from the client's
message to the pushed `graphql_next`: the caller's own notifications, a channel of its own tenant only
(with realtime.subscribe), and every bad document answered on the socket (`graphql_error` with a code and
GraphQL's message) while the connection stays. In-process moto; pushes recorded at the management API."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest

from functions.realtime import graphql_store, management, protocol, push, store, subscriber
from functions.realtime.models import Outcome, SocketEvent
from shared.declarations import IDEMPOTENCY_TABLE
from stratus.provision import create_table
from tests.kit import deliver, event

Posted = list[tuple[str, dict[str, Any]]]
ITEM = {
    "notificationId": "n_1",
    "type": "welcome",
    "title": "Hello",
    "body": "Hi",
    "read": False,
    "createdAt": "2026-01-01T00:00:00Z",
}


@pytest.fixture
def posted(monkeypatch: pytest.MonkeyPatch) -> Posted:
    """Connections: ann (acme, realtime.subscribe), bob (acme, no permission), and globex's user with
    ann's id (globex, realtime.subscribe). → what reached each one."""
    create_table(IDEMPOTENCY_TABLE)
    sent: Posted = []

    def post(connection_id: str, data: bytes) -> bool:
        sent.append((connection_id, json.loads(data)))
        return True

    monkeypatch.setattr(management, "post", post)
    for cid, tenant, user, granted in (
        ("c_ann", "acme", "u_ann", ("realtime.subscribe",)),
        ("c_bob", "acme", "u_bob", ()),
        ("g_ann", "globex", "u_ann", ("realtime.subscribe",)),
    ):
        store.add_pending(cid, time.time() + 10)
        assert store.open_connection(cid, tenant, user, f"s_{cid}", granted)
    return sent


def send(connection_id: str, message: dict[str, Any]) -> Outcome:
    body = json.dumps(message)
    return protocol.receive(
        SocketEvent(route="$default", connection_id=connection_id, request_id="r", body=body)
    )


def subscribe(connection_id: str, query: str, sub_id: str = "s1", **extra: Any) -> dict[str, Any]:
    outcome = send(connection_id, {"type": "graphql_subscribe", "id": sub_id, "query": query, **extra})
    assert outcome.close is None, "a subscription never closes the connection"
    [reply] = outcome.replies
    return reply


def refused(reply: dict[str, Any]) -> tuple[str, str]:
    assert reply["type"] == "graphql_error", reply
    [error] = reply["errors"]
    return error["extensions"]["code"], error["message"]


def notification_created(user_id: str, tenant: str) -> Any:
    data = {"userId": user_id, **ITEM}
    return event("notification.created", data, source="notification", tenant_id=tenant)


def test_notification_created_pushes_the_callers_own_new_notifications_shaped_by_the_document(
    posted: Posted,
) -> None:
    # GIVEN ann subscribed to her notifications, asking for two fields under an alias
    reply = subscribe("c_ann", "subscription Mine { notificationCreated { heading: title notificationId } }")
    assert reply == {"type": "graphql_subscribed", "id": "s1"}
    # WHEN ann, then bob, then globex's u_ann get a notification
    for user, tenant in (("u_ann", "acme"), ("u_bob", "acme"), ("u_ann", "globex")):
        assert deliver(subscriber, [notification_created(user, tenant)]) == []
    # THEN ann's connection got exactly her own, as graphql_next with the document's shape
    nexts = [(cid, m) for cid, m in posted if m["type"] == "graphql_next"]
    assert nexts == [
        (
            "c_ann",
            {
                "type": "graphql_next",
                "id": "s1",
                "payload": {"data": {"notificationCreated": {"heading": "Hello", "notificationId": "n_1"}}},
            },
        )
    ]


def test_channel_message_needs_realtime_subscribe_and_sees_its_own_tenants_channel_only(
    posted: Posted,
) -> None:
    query = 'subscription { channelMessage(channel: "orders") { type data tenantId } }'
    # bob lacks realtime.subscribe: refused on the socket, the connection stays
    assert refused(subscribe("c_bob", query)) == ("PERMISSION_DENIED", "Requires realtime.subscribe")
    # ann (acme) and globex's user subscribe to a channel of the same name
    assert subscribe("c_ann", query)["type"] == "graphql_subscribed"
    assert subscribe("g_ann", query, sub_id="g1")["type"] == "graphql_subscribed"
    # WHEN acme publishes on its `orders` channel
    push.to_channel("acme", "orders", "order_paid", {"orderId": "o_1"})
    # THEN only acme's subscriber gets it, shaped; globex's `orders` is another channel
    nexts = [(cid, m["payload"]) for cid, m in posted if m["type"] == "graphql_next"]
    assert nexts == [
        (
            "c_ann",
            {
                "data": {
                    "channelMessage": {"type": "order_paid", "data": {"orderId": "o_1"}, "tenantId": "acme"}
                }
            },
        )
    ]


def test_another_tenant_cannot_be_named(posted: Posted) -> None:
    query = 'subscription { channelMessage(channel: "orders") { type } }'
    # a tenantId in the message other than the connection's
    assert refused(subscribe("g_ann", query, tenantId="acme"))[0] == "FORBIDDEN"
    # an argument naming a tenant does not exist
    code, message = refused(
        subscribe("g_ann", 'subscription { channelMessage(channel: "o", tenantId: "acme") { type } }')
    )
    assert code == "INVALID_REQUEST"
    assert "tenantId" in message
    push.to_channel("acme", "orders", "order_paid", {})
    assert [m for _, m in posted if m["type"] == "graphql_next"] == []


# A fragment spread twice in a fragment spread twice...: flat in depth, 2^13 fields once expanded.
FRAGMENT_BOMB = (
    "subscription { notificationCreated { ...F13 } } fragment F0 on NotificationEvent { title } "
    + " ".join(f"fragment F{i} on NotificationEvent {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 14))
)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("subscription { notificationCreated { title }", "Syntax Error"),
        ("subscription { notificationCreated { password } }", "Cannot query field 'password'"),
        ("{ me { userId } }", "query operation is not supported"),
        (
            'subscription { notificationCreated { title } channelMessage(channel: "x") { type } }',
            "only one top level field",
        ),
        ('subscription { channelMessage(channel: "has#hash") { type } }', "not a channel name"),
        ("subscription { notificationCreated " + "{ a " * 10 + "}" * 11, "levels deep"),
        (FRAGMENT_BOMB, "costs 8193"),
        (
            "subscription { notificationCreated { " + " ".join(f"a{i}: title" for i in range(16)) + " } }",
            "aliases",
        ),
        ("subscription { notificationCreated { " + "a " * 2100 + "} }", "more than 2000 tokens"),
        ("subscription S($c: String!) { channelMessage(channel: $c) { type } }", "to be provided"),
    ],
)
def test_a_bad_document_is_a_graphql_error_on_the_socket_and_the_connection_stays(
    posted: Posted, query: str, says: str
) -> None:
    code, message = refused(subscribe("c_ann", query))
    assert code == "INVALID_REQUEST"
    assert says in message
    assert store.get("c_ann") is not None
    assert store.get("c_ann").graphql == ()  # type: ignore[union-attr]
    # the connection still works
    assert send("c_ann", {"type": "ping", "timestamp": 1}).replies == [{"type": "pong", "timestamp": 1}]


def test_garbage_subscribe_messages_are_plain_errors(posted: Posted) -> None:
    for message in (
        {"type": "graphql_subscribe", "id": "s1"},
        {
            "type": "graphql_subscribe",
            "id": "bad id",
            "query": "subscription { notificationCreated { title } }",
        },
        {"type": "graphql_subscribe", "id": "s1", "query": 5},
    ):
        [reply] = send("c_ann", message).replies
        assert (reply["type"], reply["code"]) == ("error", "INVALID_REQUEST")


def test_variables_unsubscribe_and_disconnect(posted: Posted) -> None:
    query = "subscription On($c: String!) { channelMessage(channel: $c) { type } }"
    assert subscribe("c_ann", query, variables={"c": "lab"})["type"] == "graphql_subscribed"
    # the same id twice on a connection is refused
    assert refused(subscribe("c_ann", query, variables={"c": "lab"}))[0] == "INVALID_REQUEST"
    push.to_channel("acme", "lab", "result", {})
    assert [m["id"] for _, m in posted if m["type"] == "graphql_next"] == ["s1"]
    # WHEN it unsubscribes THEN nothing more comes
    assert send("c_ann", {"type": "graphql_unsubscribe", "id": "s1"}).replies == [
        {"type": "graphql_unsubscribed", "id": "s1"}
    ]
    posted.clear()
    push.to_channel("acme", "lab", "result", {})
    assert posted == []
    # a disconnect takes its subscriptions' rows with it
    assert subscribe("c_ann", query, sub_id="s2", variables={"c": "lab"})["type"] == "graphql_subscribed"
    assert len(graphql_store.subscribers("acme", graphql_store.channel_topic("lab"))) == 1
    store.remove("c_ann")
    assert graphql_store.subscribers("acme", graphql_store.channel_topic("lab")) == []


def test_a_connection_holds_a_bounded_number_of_subscriptions(posted: Posted) -> None:
    query = "subscription { notificationCreated { title } }"
    for i in range(graphql_store.MAX_SUBSCRIPTIONS):
        assert subscribe("c_ann", query, sub_id=f"s{i}")["type"] == "graphql_subscribed"
    code, message = refused(subscribe("c_ann", query, sub_id="one-more"))
    assert code == "INVALID_REQUEST"
    assert "At most" in message


def test_before_auth_a_subscription_is_refused_like_any_message() -> None:
    store.add_pending("fresh", time.time() + 10)
    [reply] = send(
        "fresh",
        {"type": "graphql_subscribe", "id": "s", "query": "subscription { notificationCreated { title } }"},
    ).replies
    assert (reply["type"], reply["code"]) == ("error", "UNAUTHORIZED")


def test_app_message_pushes_an_apps_pushes_to_the_user_of_the_type_asked(posted: Posted) -> None:
    # GIVEN ann subscribed to the consultation messages apps push to her, bob to every app push
    typed = 'subscription { appMessage(type: "consultation_message") { type data } }'
    assert subscribe("c_ann", typed)["type"] == "graphql_subscribed"
    assert subscribe("c_bob", "subscription { appMessage { type } }")["type"] == "graphql_subscribed"
    # WHEN the health app pushes (realtime.push_requested) a message and a reminder to ann and bob of
    # acme, and one to globex's u_ann
    for kind, tenant in (
        ("consultation_message", "acme"),
        ("reminder", "acme"),
        ("consultation_message", "globex"),
    ):
        data = {"tenantId": tenant, "userIds": ["u_ann", "u_bob"], "type": kind, "data": {"body": "hi"}}
        pushed = event("realtime.push_requested", data, source="health", tenant_id=tenant, user_id="u_ann")
        assert deliver(subscriber, [pushed]) == []
    # THEN ann got the one of her type, bob both of his tenant's, globex's push reached neither
    nexts = [(cid, m["payload"]["data"]["appMessage"]) for cid, m in posted if m["type"] == "graphql_next"]
    assert nexts == [
        ("c_ann", {"type": "consultation_message", "data": {"body": "hi"}}),
        ("c_bob", {"type": "consultation_message"}),
        ("c_bob", {"type": "reminder"}),
    ]


def test_the_realtime_functions_do_not_load_graphql_core_at_cold_start() -> None:
    # graphql-core costs ~200 ms to import: only a GraphQL subscription (or its push) pays for it
    code = (
        "import sys, functions.realtime.default, functions.realtime.publish, functions.realtime.subscriber;"
        "print('graphql' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
