"""The app author's helper (`shared.webhooks`): Standard Webhooks signatures, checked exactly — and the
greedy, any-method routes the app proxy is served on (`shared.declarations.Route`)."""

from __future__ import annotations

import base64
import time

import pytest

from shared import peppered, webhooks
from shared.declarations import ANY_METHODS, Route
from shared.webhooks import WebhookVerificationError

SECRET = webhooks.new_secret(b"k" * 32)
BODY = b'{"type":"user.created"}'


def test_a_signed_request_verifies_and_matches_the_spec_example() -> None:
    headers = webhooks.sign(SECRET, "msg_1", BODY)
    assert webhooks.verify(headers, BODY, SECRET)["id"] == "msg_1"
    # The Standard Webhooks reference vector.
    spec_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        webhooks.signature(spec_secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


@pytest.mark.parametrize(
    "tamper",
    ["body", "id", "timestamp", "secret", "stale", "missing", "not-a-number"],
)
def test_anything_else_is_refused(tamper: str) -> None:
    headers = webhooks.sign(SECRET, "msg_1", BODY)
    body, secret = BODY, SECRET
    if tamper == "body":
        body = BODY + b" "
    elif tamper == "id":
        headers["webhook-id"] = "msg_2"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) + 1)
    elif tamper == "secret":
        secret = webhooks.new_secret(b"x" * 32)
    elif tamper == "stale":
        headers = webhooks.sign(SECRET, "msg_1", BODY, timestamp=int(time.time()) - 600)
    elif tamper == "missing":
        del headers["webhook-signature"]
    else:
        headers["webhook-timestamp"] = "soon"
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(headers, body, secret)


def test_one_valid_signature_among_several_is_enough() -> None:
    headers = webhooks.sign(SECRET, "msg_1", BODY)
    old = "v1," + base64.b64encode(b"0" * 32).decode()
    headers["Webhook-Signature"] = f"{old} {headers.pop('webhook-signature')}"
    assert webhooks.verify(headers, BODY, SECRET)


def test_peppered_digests_are_keyed_and_separated_by_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.config import settings

    monkeypatch.setenv("STRATUS_SECRET_PEPPER", "one")
    settings.cache_clear()
    first = peppered.digest("api-key", "stk_x")
    assert peppered.matches("api-key", "stk_x", first)
    assert not peppered.matches("registration-token", "stk_x", first)
    monkeypatch.setenv("STRATUS_SECRET_PEPPER", "two")
    settings.cache_clear()
    assert peppered.digest("api-key", "stk_x") != first  # another stage's pepper: nothing matches


def test_greedy_and_any_method_routes() -> None:
    route = Route("ANY", "/api/v1/apps/{name}/{proxy+}")
    assert route.params == ("name", "proxy")
    assert route.methods == ANY_METHODS
    assert route.match("delete", "/api/v1/apps/crm/a/b/c") == {"name": "crm", "proxy": "a/b/c"}
    assert route.match("GET", "/api/v1/apps/crm/") is None  # {proxy+} is one segment or more
    assert route.match("OPTIONS", "/api/v1/apps/crm/x") is None
    assert route.rule == "/api/v1/apps/<name>/<proxy+>"
    plain = Route("GET", "/users/{userId}")
    assert plain.match("GET", "/users/a/b") is None
    assert plain.methods == ("GET",)
