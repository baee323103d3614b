"""What a client message becomes before any service is asked: garbage is answered, never raised."""

from __future__ import annotations

import base64
import json
import time

import pytest

from functions.realtime import protocol, store
from functions.realtime.models import AuthMessage, Outcome, PingMessage, SocketEvent, SubscribeMessage
from functions.realtime.socket_app import parse
from shared.config import settings


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "not json{",
        "[1]",
        "42",
        '{"type": 3}',
        '{"no": "type"}',
        '{"type": "launch"}',
        '{"type": "auth"}',
        '{"type": "auth", "token": "t", "tenantId": "acme", "extra": 1}',
        '{"type": "subscribe", "channel": "has#hash"}',
        '{"type": "subscribe", "channel": ""}',
        json.dumps({"type": "subscribe", "channel": "x" * 65}),
        json.dumps({"type": "ping", "pad": "x" * 40_000}),
    ],
)
def test_garbage_is_an_error_message(body: str | None) -> None:
    answer = protocol._parse(body)
    assert isinstance(answer, Outcome)
    assert answer.close is None
    [reply] = answer.replies
    assert reply["type"] == "error"
    assert reply["code"] == "INVALID_REQUEST"


def test_the_protocols_messages_parse() -> None:
    assert isinstance(protocol._parse('{"type":"auth","token":"t","tenantId":"acme"}'), AuthMessage)
    assert isinstance(protocol._parse('{"type":"ping","timestamp":5}'), PingMessage)
    found = protocol._parse('{"type":"subscribe","channel":"attendance","tenantId":"acme"}')
    assert isinstance(found, SubscribeMessage)
    assert found.tenant_id == "acme"


def test_an_api_gateway_event_becomes_a_socket_event() -> None:
    event = {
        "requestContext": {
            "routeKey": "$default",
            "connectionId": "abc=",
            "requestId": "r1",
            "identity": {"sourceIp": "203.0.113.9", "userAgent": "test"},
        },
        "body": base64.b64encode(b'{"type":"ping"}').decode(),
        "isBase64Encoded": True,
    }
    parsed = parse(event, "$default")
    assert (parsed.connection_id, parsed.body, parsed.source_ip) == ("abc=", '{"type":"ping"}', "203.0.113.9")
    # a binary frame that is not text is garbage, not a crash
    event["body"] = base64.b64encode(b"\xff\xfe").decode()
    assert parse(event, "$default").body == ""


def _message(connection_id: str, body: str) -> SocketEvent:
    return SocketEvent(route="$default", connection_id=connection_id, request_id="r1", body=body)


def test_on_aws_a_message_after_the_auth_deadline_is_refused_and_closed() -> None:
    # GIVEN a connection whose deadline passed (API Gateway closes nothing by itself at 10 s)
    store.add_pending("late=", time.time() - 1)
    # WHEN its first message comes, even a well-formed auth (no service is asked)
    answer = protocol.receive(_message("late=", '{"type":"auth","token":"x","tenantId":"acme"}'))
    # THEN it is auth_error and the close API.md names
    assert answer.close == protocol.UNAUTHORIZED_CLOSE
    assert [(r["type"], r["code"]) for r in answer.replies] == [("auth_error", "UNAUTHORIZED")]
    # AND garbage after the deadline is refused the same way
    assert protocol.receive(_message("late=", "}{")).close == protocol.UNAUTHORIZED_CLOSE


def test_before_auth_only_auth_is_served_and_the_connection_stays() -> None:
    store.add_pending("new=", time.time() + 10)
    answer = protocol.receive(_message("new=", '{"type":"subscribe","channel":"attendance"}'))
    assert answer.close is None
    assert [(r["type"], r["code"]) for r in answer.replies] == [("error", "UNAUTHORIZED")]


def test_a_message_of_a_connection_already_gone_closes_it_quietly() -> None:
    answer = protocol.receive(_message("unknown=", '{"type":"ping"}'))
    assert (answer.replies, answer.close) == ([], 1000)


def test_connect_and_disconnect_leave_nothing_behind() -> None:
    event = SocketEvent(route="$connect", connection_id="c=", request_id="r")
    protocol.connect(event)
    found = store.get("c=")
    assert found is not None
    assert not found.open
    protocol.disconnect(event)
    assert store.get("c=") is None


def test_the_sweep_closes_only_connections_past_their_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN (moto's management API: it accepts every post and close, which is all this needs)
    monkeypatch.setenv("STRATUS_WS_ENDPOINT", "https://abc123.execute-api.us-east-1.amazonaws.com/dev")
    settings.cache_clear()
    store.add_pending("silent=", time.time() - 1)
    store.add_pending("young=", time.time() + 60)
    # WHEN the sweep runs THEN the silent one is closed and its row gone; the young one stays
    assert protocol.sweep(time.time()) == 1
    assert store.get("silent=") is None
    assert store.get("young=") is not None
    assert protocol.sweep(time.time()) == 0
