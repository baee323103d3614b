"""logout: the cache revokes the session and user.logout is delivered through the outbox (staged before the
revocation, withdrawn if it fails, released after it); a caller cannot end others'."""

from __future__ import annotations

import json

import pytest

from functions.auth import logout, service
from shared import service_token
from shared.context import UserContext
from shared.declarations import Layer
from shared.events.model import ServiceEvent
from shared.service_client import IncomingResponse
from shared.service_token import ServiceCaller
from tests.unit.functions.auth.conftest import FakeBus, FakeCache, body, call, error_of
from tests.unit.functions.auth.fakes import FakeAuthOutbox

SESSION = "s_0123456789abcdef0123456789abcdef"
PAYLOAD = {"tenantId": "acme-corp", "userId": "u_123", "sessionId": SESSION}
SIGNED_IN = UserContext(user_id="u_123", tenant_id="acme-corp", session_id=SESSION)


def test_logout_revokes_the_session_in_the_cache_and_publishes_user_logout(
    cache: FakeCache, published: list[ServiceEvent]
) -> None:
    # GIVEN a signed-in user's session  WHEN the gateway logs it out
    result = call(logout, PAYLOAD, user=SIGNED_IN)
    # THEN 200 {loggedOut: true}
    assert result["statusCode"] == 200
    assert body(result)["data"] == {"loggedOut": True}
    # AND the cache was asked, as auth, to revoke exactly that tenant's session
    [sent] = cache.requests
    assert (sent.service, sent.method, sent.path) == ("cache", "POST", "/internal/sessions/revoke")
    assert json.loads(sent.body or b"") == {"tenantId": "acme-corp", "sessionId": SESSION}
    assert service_token.verify(sent.headers["x-service-token"], audience="cache") == ServiceCaller(
        "auth", Layer.CORE
    )
    # AND one user.logout for that user and tenant
    [event] = published
    assert event.type == "user.logout"
    assert event.data == {"userId": "u_123", "sessionId": SESSION}
    assert (event.tenant_id, event.user_id) == ("acme-corp", "u_123")


def test_logout_works_without_a_propagated_user(cache: FakeCache, published: list[ServiceEvent]) -> None:
    assert call(logout, PAYLOAD)["statusCode"] == 200
    assert len(cache.requests) == 1
    assert len(published) == 1


@pytest.mark.parametrize(
    "signed_in",
    [
        UserContext(user_id="u_123", tenant_id="other-corp", session_id=SESSION),
        UserContext(user_id="u_999", tenant_id="acme-corp", session_id=SESSION),
    ],
)
def test_a_session_of_another_user_or_tenant_is_not_ended(
    cache: FakeCache, published: list[ServiceEvent], signed_in: UserContext
) -> None:
    # GIVEN a caller passing one user along but naming another's session  WHEN it logs out
    result = call(logout, PAYLOAD, user=signed_in)
    # THEN 403 and nothing was revoked or published
    assert result["statusCode"] == 403
    assert error_of(result)["code"] == "FORBIDDEN"
    assert cache.requests == []
    assert published == []


def test_when_the_cache_is_down_nothing_is_published_and_the_error_is_retryable(
    cache: FakeCache,
    published: list[ServiceEvent],
    auth_outbox: FakeAuthOutbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a cache that answers 503 (and no real sleeping between retries)
    monkeypatch.setattr(service.cache.service_client, "_sleep", lambda _seconds: None)
    cache.answers["/internal/sessions/revoke"] = lambda _r: IncomingResponse(
        503,
        {"success": False, "error": {"code": "CACHE_UNAVAILABLE", "message": "down", "retryable": True}},
    )
    # WHEN logging out  THEN the cache's retryable error comes back and no logout is claimed
    result = call(logout, PAYLOAD)
    assert result["statusCode"] == 503
    assert error_of(result)["code"] == "CACHE_UNAVAILABLE"
    assert published == []
    assert auth_outbox.pending == []  # the staged user.logout was taken back out


def test_when_the_bus_is_down_the_session_is_still_ended_and_the_event_waits_in_the_outbox(
    cache: FakeCache, bus: FakeBus, auth_outbox: FakeAuthOutbox
) -> None:
    # GIVEN a bus refusing PutEvents
    bus.down = True
    # WHEN logging out
    result = call(logout, PAYLOAD, user=SIGNED_IN)
    # THEN the session was revoked and the logout answered; user.logout waits for the drain
    assert result["statusCode"] == 200
    assert [r.path for r in cache.requests] == ["/internal/sessions/revoke"]
    [waiting] = auth_outbox.pending
    assert (waiting.type, waiting.data["sessionId"]) == ("user.logout", SESSION)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (PAYLOAD | {"tenantId": "ACME#x"}, "tenantId"),
        ({"tenantId": "acme-corp", "userId": "u_123"}, "sessionId"),
        (PAYLOAD | {"sessionId": "s#1"}, "sessionId"),
        (PAYLOAD | {"everywhere": True}, "everywhere"),
    ],
)
def test_bad_input_is_400_and_the_cache_is_not_called(
    cache: FakeCache, payload: dict[str, object], field: str
) -> None:
    result = call(logout, payload)
    assert result["statusCode"] == 400
    assert error_of(result)["field"] == field
    assert cache.requests == []
