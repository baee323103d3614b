"""tokens: the access token carries the session's claims and verifies; a login publishes user.login once."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.auth import tokens
from shared import access_tokens, outbox
from shared.config import settings
from shared.events.model import ServiceEvent
from stratus.provision import create_bus
from tests.kit import dynamodb_calls
from tests.unit.functions.auth.conftest import FakeBus, body, call, error_of
from tests.unit.functions.auth.fakes import FakeAuthOutbox


def request(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "userId": "u_123",
        "email": "jane@acme.com",
        "tenantId": "acme-corp",
        "roles": ["member"],
        "permissions": ["user.read", "file.*"],
        "sessionId": "s_0123456789abcdef0123456789abcdef",
        "epoch": 3,
        "reason": "login",
        "ip": "203.0.113.42",
        "userAgent": "Mozilla/5.0 (test)",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def test_the_issued_token_verifies_and_carries_the_claims(published: list[ServiceEvent]) -> None:
    # GIVEN an opened session  WHEN the gateway asks for its access token
    result = call(tokens, request(reason="refresh"))
    # THEN a Bearer token with the configured lifetime ...
    assert result["statusCode"] == 200
    data = body(result)["data"]
    assert data["tokenType"] == "Bearer"
    assert data["expiresIn"] == settings().access_token_ttl_seconds
    # ... that the kernel's verifier accepts, carrying exactly the request's identity and grants
    claims = access_tokens.verify(data["accessToken"])
    assert claims.sub == "u_123"
    assert claims.tenant_id == "acme-corp"
    assert claims.roles == ("member",)
    assert claims.permissions == ("user.read", "file.*")
    assert claims.sid == "s_0123456789abcdef0123456789abcdef"
    assert claims.epoch == 3
    assert claims.exp - claims.iat == settings().access_token_ttl_seconds


def test_a_login_publishes_exactly_one_user_login_with_the_requests_ids(
    published: list[ServiceEvent],
) -> None:
    # GIVEN a login  WHEN its token is issued
    before = datetime.now(UTC).replace(microsecond=0)
    result = call(tokens, request())
    assert result["statusCode"] == 200
    # THEN one user.login, for the user's tenant, with the schema's fields
    [event] = published
    assert event.type == "user.login"
    assert event.source == "auth"
    assert event.tenant_id == "acme-corp"
    assert event.user_id == "u_123"
    assert event.data["userId"] == "u_123"
    assert event.data["email"] == "jane@acme.com"
    assert event.data["sessionId"] == "s_0123456789abcdef0123456789abcdef"
    assert event.data["ip"] == "203.0.113.42"
    assert event.data["userAgent"] == "Mozilla/5.0 (test)"
    login_time = datetime.fromisoformat(event.data["loginTime"].replace("Z", "+00:00"))
    assert event.data["loginTime"].endswith("Z")
    assert before <= login_time <= datetime.now(UTC)


def test_a_refresh_publishes_nothing(published: list[ServiceEvent]) -> None:
    assert call(tokens, request(reason="refresh"))["statusCode"] == 200
    assert published == []


@pytest.mark.parametrize(
    ("ip", "agent"),
    [
        (None, None),
        ("not-an-ip", ""),
        ("999.1.1.1", "   "),
        ("fe80::1%eth0", None),
    ],
)
def test_a_missing_or_invalid_ip_or_agent_is_left_out_and_the_login_still_succeeds(
    published: list[ServiceEvent], ip: str | None, agent: str | None
) -> None:
    # GIVEN a login whose client address / agent is absent or garbage
    result = call(tokens, request(ip=ip, userAgent=agent))
    # THEN the login succeeds and the event simply omits them
    assert result["statusCode"] == 200
    [event] = published
    assert "ip" not in event.data
    assert "userAgent" not in event.data


@pytest.mark.parametrize(
    ("ip", "recorded"),
    [("2001:DB8::1", "2001:db8::1"), ("::ffff:203.0.113.9", "::ffff:cb00:7109"), (" 10.0.0.1 ", "10.0.0.1")],
)
def test_ipv6_and_padded_addresses_are_recorded_in_canonical_form(
    published: list[ServiceEvent], ip: str, recorded: str
) -> None:
    assert call(tokens, request(ip=ip))["statusCode"] == 200
    assert published[0].data["ip"] == recorded


def test_a_huge_user_agent_is_truncated_not_refused(published: list[ServiceEvent]) -> None:
    assert call(tokens, request(userAgent="x" * 5000))["statusCode"] == 200
    assert len(published[0].data["userAgent"]) == 1024


def test_the_email_is_normalized_before_it_is_published(published: list[ServiceEvent]) -> None:
    call(tokens, request(email=" Jane@ACME.com "))
    assert published[0].data["email"] == "jane@acme.com"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "sudo"}, "reason"),
        ({"epoch": -1}, "epoch"),
        ({"email": "nobody"}, "email"),
        ({"tenantId": "../other"}, "tenantId"),
        ({"userId": "u#1"}, "userId"),
        ({"sessionId": ""}, "sessionId"),
        ({"roles": ["member role"]}, "roles.0"),
        ({"permissions": "user.read"}, "permissions"),
        ({"exp": 9999999999}, "exp"),
    ],
)
def test_bad_input_is_400_and_nothing_is_signed_or_published(
    published: list[ServiceEvent], overrides: dict[str, Any], field: str
) -> None:
    result = call(tokens, request(**overrides))
    assert result["statusCode"] == 400
    assert error_of(result)["field"] == field
    assert published == []


@pytest.mark.usefixtures("dynamodb")
def test_a_login_goes_through_the_real_bus() -> None:
    # GIVEN an (in-process moto) event bus and no captured sender
    create_bus()
    # WHEN a login is issued  THEN PutEvents accepts the user.login event and the outbox is left empty
    result = call(tokens, request())
    assert result["statusCode"] == 200
    assert outbox.pending_count() == 0


def test_a_login_succeeds_while_the_bus_is_down_and_its_event_is_staged_for_the_drain(
    bus: FakeBus, auth_outbox: FakeAuthOutbox
) -> None:
    # GIVEN a bus refusing PutEvents  WHEN a login is issued
    bus.down = True
    result = call(tokens, request())
    # THEN the token is issued all the same, and user.login is staged in the outbox (nothing else is)
    assert result["statusCode"] == 200
    [waiting] = auth_outbox.pending
    assert (waiting.type, waiting.data["sessionId"]) == ("user.login", request()["sessionId"])


def test_while_the_bus_is_up_a_login_stages_nothing(bus: FakeBus, auth_outbox: FakeAuthOutbox) -> None:
    assert call(tokens, request())["statusCode"] == 200
    assert [e.type for e in bus.sent] == ["user.login"]
    assert auth_outbox.pending == []


@pytest.mark.usefixtures("dynamodb")
def test_a_login_succeeds_while_the_real_bus_is_down_and_its_event_waits_in_the_outbox() -> None:
    # GIVEN no bus at all (moto without create_bus)  WHEN a login is issued
    result = call(tokens, request())
    # THEN the token is issued all the same
    assert result["statusCode"] == 200
    assert access_tokens.verify(body(result)["data"]["accessToken"]).sub == "u_123"
    # AND user.login waits in the outbox for the drain, once the bus is back
    assert outbox.pending_count() == 1
    create_bus()
    assert outbox.drain(grace_seconds=0).published == 1
    assert outbox.pending_count() == 0


def test_a_repeated_login_call_announces_the_login_under_one_event_id(published: list[ServiceEvent]) -> None:
    # GIVEN a login's token call that the gateway repeats (the route is declared idempotent)
    first, again = call(tokens, request()), call(tokens, request())
    assert (first["statusCode"], again["statusCode"]) == (200, 200)
    # THEN both announcements are one event to subscribers (they act once per id) ...
    assert [e.type for e in published] == ["user.login", "user.login"]
    assert published[0].id == published[1].id
    # ... and another session's login is another event
    call(tokens, request(sessionId="s_" + "f" * 32))
    assert published[2].id != published[0].id


@pytest.mark.usefixtures("dynamodb")
def test_a_login_costs_no_dynamodb_call_while_the_bus_is_up() -> None:
    create_bus()
    with dynamodb_calls() as calls:
        assert call(tokens, request())["statusCode"] == 200
    assert calls == []


def test_tokens_expire_after_the_configured_lifetime(published: list[ServiceEvent]) -> None:
    data = body(call(tokens, request(reason="refresh")))["data"]
    claims = access_tokens.verify(data["accessToken"])
    assert abs(claims.exp - (int(time.time()) + data["expiresIn"])) <= 2
