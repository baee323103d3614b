"""Authorization code + PKCE S256 end to end in-process, and every attack on it the brief names."""

from __future__ import annotations

import time

import jwt
import pytest

from functions.oidc import grants
from shared import access_tokens
from shared.errors import InvalidToken
from tests.unit.functions.oidc.conftest import (
    ALICE,
    BOB,
    ISSUER,
    REDIRECT,
    App,
    authorization_request,
    authorize_as,
    enable,
    exchange,
    pkce,
    register_app,
    sign_in,
    token_request,
    userinfo_with,
)


@pytest.fixture
def app() -> App:
    found = register_app()
    enable(found, "acme")
    return found


def _jwks_key(token: str) -> jwt.PyJWK:
    kid = jwt.get_unverified_header(token)["kid"]
    [jwk] = [k for k in access_tokens.jwks()["keys"] if k["kid"] == kid]
    return jwt.PyJWK(jwk)


def test_the_whole_flow_gives_tokens_an_id_token_with_the_nonce_and_userinfo(app: App) -> None:
    # GIVEN an app enabled for acme and Alice signed in to Stratus
    verifier, challenge = pkce()
    # WHEN the app sends her to authorize, then redeems the code with the verifier
    answer = authorize_as(ALICE, authorization_request(app, challenge))
    assert answer.status == 302
    assert answer.location.startswith(REDIRECT + "?")
    assert answer.redirect["state"] == "st-123"
    tokens = exchange(app, answer.redirect["code"], verifier)
    # THEN it gets an RS256 access token for itself, an ID token echoing the nonce, and a refresh token
    assert tokens.status == 200, tokens.body
    assert tokens.headers.get("Cache-Control") == "no-store"
    body = tokens.body
    assert body["token_type"] == "Bearer"
    assert body["refresh_token"]
    assert body["expires_in"] > 0
    assert set(body["scope"].split()) == {"openid", "email", "profile"}
    access = jwt.decode(
        body["access_token"],
        _jwks_key(body["access_token"]),
        algorithms=["RS256"],
        audience=app.client_id,
        issuer=ISSUER,
    )
    assert access["sub"] == "u_alice"
    assert access["tenant_id"] == "acme"
    assert access["client_id"] == app.client_id
    assert jwt.get_unverified_header(body["access_token"])["typ"] == "at+jwt"
    id_token = jwt.decode(
        body["id_token"],
        _jwks_key(body["id_token"]),
        algorithms=["RS256"],
        audience=app.client_id,
        issuer=ISSUER,
    )
    assert id_token["nonce"] == "n-456"
    assert id_token["sub"] == "u_alice"
    assert id_token["email"] == "alice@acme.test"
    assert id_token["tenant_id"] == "acme"
    # AND userinfo answers Alice's claims for those scopes
    info = userinfo_with(body["access_token"])
    assert info.status == 200
    assert info.body["sub"] == "u_alice"
    assert info.body["tenant_id"] == "acme"
    assert info.body["email"] == "alice@acme.test"
    assert info.body["email_verified"] is True
    assert info.body["name"] == "Alice"


def test_the_access_token_is_refused_by_the_platforms_own_api(app: App) -> None:
    # GIVEN an OAuth access token (audience = the client)
    code, verifier = sign_in(app)
    access = exchange(app, code, verifier).body["access_token"]
    # WHEN it is presented as a Stratus access token THEN it is not one
    with pytest.raises(InvalidToken):
        access_tokens.verify(access)


def test_a_redirect_uri_that_differs_by_one_character_is_a_400_never_a_redirect(app: App) -> None:
    _, challenge = pkce()
    for wrong in (
        REDIRECT + "/",
        REDIRECT[:-1],
        REDIRECT.replace("app.", "app2."),
        REDIRECT + "?x=1",
        REDIRECT.upper(),
    ):
        answer = authorize_as(ALICE, authorization_request(app, challenge, redirect_uri=wrong))
        assert answer.status == 400, wrong
        assert answer.body["error"]["code"] == "INVALID_REQUEST"
        assert "Location" not in answer.headers


def test_an_unknown_client_is_a_400_envelope(app: App) -> None:
    _, challenge = pkce()
    for client_id in ("cli_000000000000000000000000", "nope", ""):
        answer = authorize_as(ALICE, authorization_request(app, challenge, client_id=client_id))
        assert answer.status == 400
        assert answer.body["error"]["field"] == "client_id"


@pytest.mark.parametrize(
    "pkce_params",
    [
        {"code_challenge": "", "code_challenge_method": ""},  # missing
        {"code_challenge_method": "plain"},  # plain
        {"code_challenge_method": ""},  # no method (RFC 7636 would default to plain)
        {"code_challenge": "short"},  # not a challenge
    ],
)
def test_a_missing_or_plain_challenge_is_redirected_as_invalid_request(
    app: App, pkce_params: dict[str, str]
) -> None:
    _, challenge = pkce()
    query = {k: v for k, v in {**authorization_request(app, challenge), **pkce_params}.items() if v}
    answer = authorize_as(ALICE, query)
    assert answer.status == 302
    assert answer.location.startswith(REDIRECT)
    assert answer.redirect["error"] == "invalid_request"
    assert answer.redirect["state"] == "st-123"
    assert "code" not in answer.redirect


def test_only_the_code_response_type_and_known_scopes(app: App) -> None:
    _, challenge = pkce()
    token_type = authorize_as(ALICE, authorization_request(app, challenge, response_type="token"))
    assert token_type.status == 302
    assert token_type.redirect["error"] == "unsupported_response_type"
    scope = authorize_as(ALICE, authorization_request(app, challenge, scope="openid admin"))
    assert scope.status == 302
    assert scope.redirect["error"] == "invalid_scope"


def test_a_repeated_parameter_is_refused(app: App) -> None:
    _, challenge = pkce()
    query = "&".join(f"{k}={v}" for k, v in authorization_request(app, challenge).items())
    answer = authorize_as(ALICE, query + "&state=other")
    assert answer.status == 400
    assert "Location" not in answer.headers


def test_an_app_not_enabled_for_the_users_tenant_gets_access_denied(app: App) -> None:
    # GIVEN the app enabled for acme only
    _, challenge = pkce()
    # WHEN Bob of globex is sent to authorize
    answer = authorize_as(BOB, authorization_request(app, challenge))
    # THEN the app is told access_denied and gets no code
    assert answer.status == 302
    assert answer.redirect["error"] == "access_denied"
    assert "code" not in answer.redirect
    # AND once acme disables it, Alice is refused too
    enable(app, "acme", enabled=False)
    assert authorize_as(ALICE, authorization_request(app, challenge)).redirect["error"] == "access_denied"


def test_an_api_key_cannot_sign_anyone_in(app: App) -> None:
    _, challenge = pkce()
    key = ALICE.model_copy(update={"session_id": None})
    answer = authorize_as(key, authorization_request(app, challenge))
    assert answer.status == 403


def test_no_token_is_401(app: App) -> None:
    _, challenge = pkce()
    assert authorize_as(None, authorization_request(app, challenge)).status == 401


def test_a_code_used_twice_is_refused_and_revokes_what_the_first_use_opened(app: App) -> None:
    code, verifier = sign_in(app)
    first = exchange(app, code, verifier)
    assert first.status == 200
    second = exchange(app, code, verifier)
    assert second.status == 400
    assert second.body["error"] == "invalid_grant"
    # the refresh token and userinfo of the first exchange stop working
    refreshed = token_request(
        {"grant_type": "refresh_token", "refresh_token": first.body["refresh_token"]},
        basic=(app.client_id, app.client_secret),
    )
    assert refreshed.status == 400
    assert refreshed.body["error"] == "invalid_grant"
    assert userinfo_with(first.body["access_token"]).status == 401


def test_a_code_redeemed_by_another_client_is_refused_and_stays_its_own(app: App) -> None:
    other = register_app("rival")
    code, verifier = sign_in(app)
    stolen = exchange(other, code, verifier)
    assert stolen.status == 400
    assert stolen.body["error"] == "invalid_grant"
    # the rightful client can still redeem it
    assert exchange(app, code, verifier).status == 200


def test_a_wrong_code_verifier_is_invalid_grant(app: App) -> None:
    code, _ = sign_in(app)
    wrong, _ = pkce()
    answer = exchange(app, code, wrong)
    assert answer.status == 400
    assert answer.body["error"] == "invalid_grant"
    missing = token_request(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        basic=(app.client_id, app.client_secret),
    )
    assert missing.status == 400
    assert "access_token" not in missing.body


def test_the_redirect_uri_must_be_the_one_of_the_authorization_request(app: App) -> None:
    code, verifier = sign_in(app)
    answer = token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT + "x",
            "code_verifier": verifier,
        },
        basic=(app.client_id, app.client_secret),
    )
    assert answer.status == 400
    assert answer.body["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(app: App) -> None:
    code, verifier = sign_in(app)
    basic = exchange(app, code, verifier, secret=app.client_secret + "x")
    assert basic.status == 401
    assert basic.body["error"] == "invalid_client"
    posted = token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": app.client_id,
            "client_secret": "scs_wrong",
        }
    )
    assert posted.status in (400, 401)
    assert posted.body["error"] == "invalid_client"
    # the code was not spent by the failed attempts
    assert exchange(app, code, verifier).status == 200


def test_an_expired_code_is_refused(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    code, verifier = sign_in(app)
    later = time.time() + grants.code_ttl() + 1
    monkeypatch.setattr(time, "time", lambda: later)
    answer = exchange(app, code, verifier)
    assert answer.status == 400
    assert answer.body["error"] == "invalid_grant"


def test_code_lifetime_is_held_between_60_seconds_and_10_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    for wanted, held in (("5", 60), ("3600", 600), ("120", 120), ("x", 300)):
        monkeypatch.setenv("STRATUS_OAUTH_CODE_TTL", wanted)
        assert grants.code_ttl() == held


def test_a_code_moved_to_another_tenant_names_nothing(app: App) -> None:
    code, verifier = sign_in(app)
    moved = "globex." + code.split(".", 1)[1]
    assert exchange(app, moved, verifier).body["error"] == "invalid_grant"


def test_a_suspended_user_gets_no_tokens(app: App, directory) -> None:  # type: ignore[no-untyped-def]
    code, verifier = sign_in(app)
    directory.add(ALICE, "alice@acme.test", status="suspended")
    answer = exchange(app, code, verifier)
    assert answer.status == 400
    assert answer.body["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("response_type", "cod\u00e9"),
        ("redirect_uri", 'https://x.example/"'),
        ("state", "a\\b"),
        ("scope", "\u00d7"),
    ],
)
def test_a_parameter_that_is_not_printable_ascii_is_a_400_envelope(app: App, name: str, value: str) -> None:
    _, challenge = pkce()
    answer = authorize_as(ALICE, authorization_request(app, challenge, **{name: value}))
    assert answer.status == 400
    assert answer.body["error"]["code"] == "INVALID_REQUEST"


def test_a_token_request_that_is_not_printable_ascii_is_invalid_request(app: App) -> None:
    answer = token_request(
        {"grant_type": "client_credentials", "extra": "\u00e9"}, basic=(app.client_id, app.client_secret)
    )
    assert answer.status == 400
    assert answer.body["error"] == "invalid_request"
    declared = token_request({"grant_type": "\u00e9"})
    assert declared.status == 400
