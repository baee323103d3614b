"""Refresh-token rotation and reuse, client credentials, userinfo's tenant binding, discovery, and the
token endpoint's handling of what is not a valid request."""

from __future__ import annotations

import base64
import json

import pytest

from functions.oidc import discovery_api, token
from shared.adapters.lambda_events import http_event
from tests.unit.functions.oidc.conftest import (
    ALICE,
    BOB,
    ISSUER,
    App,
    Directory,
    discover,
    enable,
    exchange,
    invoke,
    register_app,
    sign_in,
    token_request,
    userinfo_with,
)


@pytest.fixture
def app() -> App:
    found = register_app()
    enable(found, "acme")
    enable(found, "globex")
    return found


def refresh(app: App, refresh_token: str) -> dict:  # type: ignore[type-arg]
    answer = token_request(
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        basic=(app.client_id, app.client_secret),
    )
    return {"status": answer.status, **answer.body}


def test_refresh_rotates_and_reusing_a_rotated_token_revokes_the_family(app: App) -> None:
    code, verifier = sign_in(app)
    first = exchange(app, code, verifier).body
    # WHEN the refresh token is used THEN a new pair comes back, and the old one is retired
    second = refresh(app, first["refresh_token"])
    assert second["status"] == 200
    assert second["refresh_token"] != first["refresh_token"]
    third = refresh(app, second["refresh_token"])
    assert third["status"] == 200
    # WHEN a rotated one is used again (a thief, or a replay)
    replay = refresh(app, first["refresh_token"])
    # THEN it is refused, and so is every token of the family from then on
    assert replay["status"] == 400
    assert replay["error"] == "invalid_grant"
    assert refresh(app, third["refresh_token"])["error"] == "invalid_grant"
    assert userinfo_with(third["access_token"]).status == 401


def test_a_refresh_token_works_only_for_its_own_client(app: App) -> None:
    other = register_app("rival")
    enable(other, "acme")
    code, verifier = sign_in(app)
    first = exchange(app, code, verifier).body
    assert refresh(other, first["refresh_token"])["error"] == "invalid_grant"
    assert refresh(app, first["refresh_token"])["status"] == 200


def test_refresh_stops_when_the_tenant_disables_the_app(app: App) -> None:
    code, verifier = sign_in(app)
    first = exchange(app, code, verifier).body
    enable(app, "acme", enabled=False)
    assert refresh(app, first["refresh_token"])["error"] == "invalid_grant"


def test_malformed_refresh_tokens_are_invalid_grant(app: App) -> None:
    for garbage in ("", "x", "acme.grt_1.zzz", "acme..", "UPPER.grt.x", "a" * 500):
        answer = refresh(app, garbage)
        assert answer["status"] == 400, garbage
        assert answer["error"] in ("invalid_grant", "invalid_request"), garbage


@pytest.mark.parametrize("method", ["basic", "post"])
def test_client_credentials_with_either_client_authentication(app: App, method: str) -> None:
    form = {"grant_type": "client_credentials"}
    if method == "post":
        answer = token_request({**form, "client_id": app.client_id, "client_secret": app.client_secret})
    else:
        answer = token_request(form, basic=(app.client_id, app.client_secret))
    assert answer.status == 200, answer.body
    assert answer.body["token_type"] == "Bearer"
    assert "refresh_token" not in answer.body
    assert "id_token" not in answer.body
    # a token for the app itself: no user's claims at userinfo
    assert userinfo_with(answer.body["access_token"]).status == 401


def test_client_credentials_with_a_wrong_secret_or_a_scope(app: App) -> None:
    wrong = token_request({"grant_type": "client_credentials"}, basic=(app.client_id, "scs_nope"))
    assert wrong.status == 401
    assert wrong.body["error"] == "invalid_client"
    unknown = token_request(
        {"grant_type": "client_credentials"}, basic=("cli_" + "0" * 24, app.client_secret)
    )
    assert unknown.status == 401
    assert unknown.body["error"] == "invalid_client"
    scoped = token_request(
        {"grant_type": "client_credentials", "scope": "openid"}, basic=(app.client_id, app.client_secret)
    )
    assert scoped.status == 400
    assert scoped.body["error"] == "invalid_scope"


def test_a_deregistered_apps_client_is_refused(app: App) -> None:
    from functions.registry import store

    record = store.get(app.service_id)
    assert record is not None
    store.deregister(record, "2026-01-01T00:00:00.000Z")
    answer = token_request({"grant_type": "client_credentials"}, basic=(app.client_id, app.client_secret))
    assert answer.status == 401
    assert answer.body["error"] == "invalid_client"


def test_the_token_endpoint_refuses_what_is_not_a_token_request(app: App) -> None:
    unsupported = token_request(
        {"grant_type": "password", "username": "a", "password": "b"}, basic=(app.client_id, app.client_secret)
    )
    assert unsupported.status == 400
    assert unsupported.body["error"] == "unsupported_grant_type"
    nothing = token_request({})
    assert nothing.status == 400
    assert nothing.body["error"] == "unsupported_grant_type"
    garbled = token_request({"grant_type": "client_credentials"}, headers={"authorization": "Basic %%%"})
    assert garbled.status == 401
    assert garbled.body["error"] == "invalid_client"
    latin = base64.b64encode(b"\xff\xfe:\xff").decode()
    assert (
        token_request(
            {"grant_type": "client_credentials"}, headers={"authorization": f"Basic {latin}"}
        ).status
        == 401
    )


def test_userinfo_of_tenant_a_can_never_read_tenant_b(app: App) -> None:
    # GIVEN Alice (acme) and Bob (globex) each signed in to the same app
    alice_code, alice_verifier = sign_in(app, ALICE)
    alice = exchange(app, alice_code, alice_verifier).body["access_token"]
    bob_code, bob_verifier = sign_in(app, BOB)
    bob = exchange(app, bob_code, bob_verifier).body["access_token"]
    # WHEN Alice's token is sent with globex's tenant header THEN it is refused
    assert userinfo_with(alice, {"x-tenant-id": "globex"}).status == 403
    # AND each token answers only its own user in its own tenant
    assert userinfo_with(alice).body["tenant_id"] == "acme"
    assert userinfo_with(bob).body == userinfo_with(bob).body
    assert userinfo_with(bob).body["sub"] == "u_bob"
    assert userinfo_with(bob).body["tenant_id"] == "globex"


def test_userinfo_refuses_forged_and_foreign_tokens(app: App) -> None:
    from shared import access_tokens

    platform_token, _ = access_tokens.issue(
        access_tokens.AccessClaims(sub="u_alice", tenant_id="acme", sid="s_1")
    )
    for presented in (None, "nope", platform_token, platform_token[:-4] + "AAAA"):
        answer = userinfo_with(presented)
        assert answer.status == 401
        assert answer.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_userinfo_claims_follow_the_scopes(app: App) -> None:
    code, verifier = sign_in(app, scope="openid")
    access = exchange(app, code, verifier).body["access_token"]
    info = userinfo_with(access).body
    assert info == {"sub": "u_alice", "tenant_id": "acme"}
    code, verifier = sign_in(app, scope="email")
    no_openid = exchange(app, code, verifier).body
    assert "id_token" not in no_openid
    assert userinfo_with(no_openid["access_token"]).status == 403


def test_discovery_names_the_issuer_endpoints_and_what_is_supported() -> None:
    answer = discover()
    assert answer.status == 200
    doc = answer.body
    assert doc["issuer"] == ISSUER
    assert doc["authorization_endpoint"] == ISSUER + "/api/v1/oauth2/authorize"
    assert doc["token_endpoint"] == ISSUER + "/api/v1/oauth2/token"
    assert doc["userinfo_endpoint"] == ISSUER + "/api/v1/oauth2/userinfo"
    assert doc["jwks_uri"] == ISSUER + "/.well-known/jwks.json"
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "profile", "email"} <= set(doc["scopes_supported"])
    assert set(doc["grant_types_supported"]) == {"authorization_code", "refresh_token", "client_credentials"}


def test_discovery_is_served_under_the_api_prefix_too() -> None:
    route = discovery_api.app.declared
    answer = invoke(
        discovery_api, http_event("GET", route.path, route=route, headers={"host": "127.0.0.1:3000"})
    )
    assert answer.status == 200
    assert answer.body == discover().body


def test_a_configured_issuer_wins_over_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_OIDC_ISSUER", "https://id.example.com/")
    assert discover().body["issuer"] == "https://id.example.com"


def test_oauth_over_plain_http_is_refused_unless_on_loopback(app: App) -> None:
    answer = token_request(
        {"grant_type": "client_credentials"},
        basic=(app.client_id, app.client_secret),
        headers={"host": "stratus.example.com", "x-forwarded-proto": "http"},
    )
    assert answer.status == 400
    assert answer.body["error"]["code"] == "INVALID_REQUEST"


def test_a_json_token_request_is_read_like_a_form(app: App) -> None:
    route = token.app.declared
    fields = {
        "grant_type": "client_credentials",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    body = json.dumps(fields)
    event = http_event(
        "POST",
        route.path,
        route=route,
        headers={"host": "127.0.0.1:3000", "content-type": "application/json"},
        body=body,
    )
    answer = invoke(token, event)
    assert answer.status == 200
    assert answer.body["token_type"] == "Bearer"


def test_a_suspended_tenants_grants_stop(app: App, directory: Directory) -> None:
    code, verifier = sign_in(app)
    first = exchange(app, code, verifier).body
    directory.suspended.add("acme")
    assert refresh(app, first["refresh_token"])["error"] == "invalid_grant"
    assert userinfo_with(first["access_token"]).status == 401
