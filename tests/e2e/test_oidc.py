"""The OIDC provider end to end through `stratus dev`'s gateway: an app registered with redirect URIs and
enabled by a tenant signs that tenant's user in with authorization code + PKCE S256 (discovery → authorize
with the user's Stratus token → token with HTTP Basic → ID token and access token verified with the
published JWKS → userinfo), refreshes with rotation (a replayed refresh token revokes the family), and
gets a token of its own with client_credentials. Attacks of the brief over real HTTP alongside."""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from tests.e2e.conftest import Reply, request
from tests.e2e.fixtures import platform_admin, whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import Api
from tests.e2e.platform import tenant_with_admin

pytestmark = pytest.mark.e2e
TENANT, OTHER = "oidc-acme", "oidc-globex"
REDIRECT = "https://shop.example.com/auth/callback"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None


def no_follow(url: str, token: str) -> tuple[int, dict[str, str], bytes]:
    """A GET whose redirect is answered, not followed (the redirect URI is the app's, not ours)."""
    opener = urllib.request.build_opener(_NoRedirects)
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def admin(api: Api, root: str) -> str:
    return tenant_with_admin(api, root, TENANT)


@pytest.fixture(scope="module")
def other_admin(api: Api, root: str) -> str:
    return tenant_with_admin(api, root, OTHER)


@pytest.fixture(scope="module")
def shop(api: Api, root: str, admin: str) -> dict[str, str]:
    """An app registered with one redirect URI, enabled by TENANT (not by OTHER)."""
    body = {
        "name": "oidc-shop",
        "displayName": "Shop",
        "version": "1.0.0",
        "baseUrl": "https://shop.example.com",
        "endpoints": [{"method": "GET", "path": "/hello"}],
        "redirectUris": [REDIRECT],
    }
    created = api.call("POST", "/api/v1/registry/services", body, token=root)
    assert created.status == 201, created.body
    enabled = api.call("PUT", f"/api/v1/tenants/{TENANT}/services/oidc-shop", {"enabled": True}, token=admin)
    assert enabled.status == 200, enabled.body
    return dict(created.body["data"])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(
    api: Api, token: str, app: dict[str, str], challenge: str, **extra: str
) -> tuple[int, dict[str, str]]:
    query = {
        "response_type": "code",
        "client_id": app["clientId"],
        "redirect_uri": REDIRECT,
        "scope": "openid profile email",
        "state": "xyz",
        "nonce": "nonce-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    status, headers, _ = no_follow(f"{api.base}/api/v1/oauth2/authorize?{urlencode(query)}", token)
    location = headers.get("Location", "")
    if location:
        assert location.startswith(REDIRECT)
    return status, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token(api: Api, form: dict[str, str], basic: tuple[str, str] | None = None) -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    return request(f"{api.base}/api/v1/oauth2/token", "POST", urlencode(form).encode(), headers)


def verified(api: Api, jwks_uri: str, value: str, audience: str, issuer: str) -> dict[str, Any]:
    keys = jwt.PyJWKClient(jwks_uri)
    return dict(
        jwt.decode(
            value,
            keys.get_signing_key_from_jwt(value),
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
        )
    )


def test_sign_in_with_stratus_code_pkce_refresh_userinfo(api: Api, admin: str, shop: dict[str, str]) -> None:
    # GIVEN the provider's discovery document
    discovery = request(f"{api.base}/.well-known/openid-configuration")
    assert discovery.status == 200
    meta = discovery.body
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["authorization_endpoint"].endswith("/api/v1/oauth2/authorize")
    # WHEN the tenant admin, signed in to Stratus, is sent to authorize by the app
    verifier, challenge = pkce()
    status, redirect = authorize(api, admin, shop, challenge)
    # THEN the app's redirect URI gets a code and the state back
    assert status == 302
    assert redirect["state"] == "xyz"
    assert redirect["code"]
    # WHEN the app redeems it with its secret (HTTP Basic) and the verifier
    form = {
        "grant_type": "authorization_code",
        "code": redirect["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    tokens = token(api, form, basic=(shop["clientId"], shop["clientSecret"]))
    assert tokens.status == 200, tokens.body
    # THEN the access and ID tokens verify with the published JWKS, for this client, with the nonce
    access = verified(api, meta["jwks_uri"], tokens.body["access_token"], shop["clientId"], meta["issuer"])
    assert access["tenant_id"] == TENANT
    id_token = verified(api, meta["jwks_uri"], tokens.body["id_token"], shop["clientId"], meta["issuer"])
    assert id_token["nonce"] == "nonce-1"
    assert id_token["email"] == f"admin@{TENANT}.example"
    assert id_token["sub"] == access["sub"]
    # AND userinfo answers the user
    info = request(
        meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens.body['access_token']}"}
    )
    assert info.status == 200
    assert info.body["sub"] == access["sub"]
    assert info.body["tenant_id"] == TENANT
    # AND the OAuth token is no Stratus access token
    assert api.call("GET", "/api/v1/users/me", token=tokens.body["access_token"]).status == 401
    # WHEN the code is used a second time THEN it is refused
    again = token(api, form, basic=(shop["clientId"], shop["clientSecret"]))
    assert again.status == 400
    assert again.body["error"] == "invalid_grant"
    # ... and the grant it opened is revoked: the refresh token is dead
    dead = token(
        api,
        {"grant_type": "refresh_token", "refresh_token": tokens.body["refresh_token"]},
        basic=(shop["clientId"], shop["clientSecret"]),
    )
    assert dead.status == 400


def test_refresh_rotation_and_reuse_over_http(api: Api, admin: str, shop: dict[str, str]) -> None:
    verifier, challenge = pkce()
    _, redirect = authorize(api, admin, shop, challenge)
    form = {
        "grant_type": "authorization_code",
        "code": redirect["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    first = token(api, form, basic=(shop["clientId"], shop["clientSecret"])).body
    post = {"client_id": shop["clientId"], "client_secret": shop["clientSecret"]}  # client_secret_post
    second = token(api, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **post})
    assert second.status == 200
    assert second.body["refresh_token"] != first["refresh_token"]
    replay = token(api, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **post})
    assert replay.status == 400
    assert replay.body["error"] == "invalid_grant"
    family = token(
        api, {"grant_type": "refresh_token", "refresh_token": second.body["refresh_token"], **post}
    )
    assert family.status == 400


def test_client_credentials(api: Api, shop: dict[str, str]) -> None:
    basic = token(api, {"grant_type": "client_credentials"}, basic=(shop["clientId"], shop["clientSecret"]))
    assert basic.status == 200
    assert basic.body["token_type"] == "Bearer"
    claims = jwt.decode(basic.body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == shop["clientId"]
    assert claims["aud"] == shop["clientId"]
    wrong = token(api, {"grant_type": "client_credentials"}, basic=(shop["clientId"], "scs_wrong"))
    assert wrong.status == 401
    assert wrong.body["error"] == "invalid_client"


def test_attacks_over_http(api: Api, admin: str, other_admin: str, shop: dict[str, str]) -> None:
    verifier, challenge = pkce()
    # a redirect URI one character off: a 400 envelope, no redirect
    status, _ = authorize(api, admin, shop, challenge, redirect_uri=REDIRECT + "/")
    assert status == 400
    # plain PKCE: redirected with invalid_request
    status, redirect = authorize(api, admin, shop, verifier, code_challenge_method="plain")
    assert status == 302
    assert redirect["error"] == "invalid_request"
    # a tenant that has not enabled the app: access_denied
    status, redirect = authorize(api, other_admin, shop, challenge)
    assert status == 302
    assert redirect["error"] == "access_denied"
    # a wrong verifier
    _, redirect = authorize(api, admin, shop, challenge)
    wrong, _ = pkce()
    form = {
        "grant_type": "authorization_code",
        "code": redirect["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": wrong,
    }
    assert token(api, form, basic=(shop["clientId"], shop["clientSecret"])).body["error"] == "invalid_grant"
    # a form body anywhere else is still 415
    login = request(
        f"{api.base}/api/v1/auth/login",
        "POST",
        b"email=a&password=b",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert login.status == 415
