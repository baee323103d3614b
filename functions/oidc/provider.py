"""The provider's four endpoints as flows over authlib (server.py, grants.py), one function each.

- `authorize`: the end user is the bearer of a Stratus access token (the authorizer verified it; the
  tenant is the token's). A request whose client or redirect URI is unknown or not registered exactly is
  a 400 envelope (never a redirect to an unchecked URI); every other refusal — no or a `plain` PKCE
  challenge, an unknown scope or response type, an app the user's tenant has not enabled — is redirected
  to the client with `error` and `state` (RFC 6749 §4.1.2.1). Success: 302 with `code` and `state`.
- `token`: RFC 6749 §5 bodies (`access_token`, ... or `error`, `error_description`), from authlib.
- `userinfo`: the claims the token's scopes allow, of the user the token names, in the token's tenant.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from authlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidClientError,
    InvalidRequestError,
    OAuth2Error,
)

from functions.oidc import grants, metadata, store, tokens
from functions.oidc.clients import Client
from functions.oidc.metadata import AUTHORIZE_PATH, TOKEN_PATH
from functions.oidc.server import Answer, Request, Server
from shared.context import UserContext
from shared.errors import Forbidden, InvalidRequest, InvalidToken, PermissionDenied
from shared.tenant_header import require_credential_tenant

_PRINTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")


def _unprintable(params: Iterable[tuple[str, str]]) -> str | None:
    """The first parameter whose name or value is not printable ASCII (authlib would echo it into an error
    description, which must be ASCII): refused before authlib sees it."""
    for name, value in params:
        if not _PRINTABLE.fullmatch(name):
            return "query"
        if not _PRINTABLE.fullmatch(value):
            return name
    return None


def _request(method: str, uri: str, headers: Mapping[str, str], params: Iterable[tuple[str, str]]) -> Request:
    """authlib refuses OAuth over plain http except on loopback (RFC 8252 §7.3): a deployment reached
    over http by another name must set STRATUS_OIDC_ISSUER to its https URL."""
    try:
        return Request(method, uri, headers, params)
    except (OAuth2Error, ValueError) as exc:
        raise InvalidRequest(
            "OAuth requires https: this request's issuer is not an https URL (STRATUS_OIDC_ISSUER)",
            field="Host",
        ) from exc


def _server(issuer: str, **kwargs: Any) -> Server:
    server = Server(issuer, **kwargs)
    grants.register(server, issuer)
    return server


# --- authorize -------------------------------------------------------------------------------------------
def authorize(user: UserContext, params: Iterable[tuple[str, str]], headers: Mapping[str, str]) -> Answer:
    if user.session_id is None:
        # An API key acts for a tenant, not for a person: it cannot sign anyone in to an app.
        raise Forbidden("Only a user's access token can authorize an app (not an API key)")
    params = list(params)
    unprintable = _unprintable(params)
    if unprintable:
        raise InvalidRequest(f"{unprintable}: only printable ASCII, no quote or backslash", field=unprintable)
    issuer = metadata.issuer(headers)
    server = _server(issuer, tenant_hint=user.tenant_id)
    request = _request("GET", issuer + AUTHORIZE_PATH, headers, params)
    resource_owner = grants.EndUser(user_id=user.user_id, tenant_id=user.tenant_id)
    try:
        grant = server.get_consent_grant(request, end_user=resource_owner)
    except OAuth2Error as error:
        if not error.redirect_uri:
            # No redirect URI we may trust: the client or the URI is unknown, or not registered exactly.
            raise InvalidRequest(
                f"{error.error}: {error.description or 'the authorization request is not valid'}",
                field=_field_of(error),
                details={"error": error.error},
            ) from None
        return server.handle_error_response(request, error)  # type: ignore[no-any-return]
    client: Client = request.client
    if not client.enabled_for(user.tenant_id):
        denied = AccessDeniedError("The app is not enabled for your tenant", redirect_uri=grant.redirect_uri)
        denied.state = request.payload.state
        return server.handle_error_response(request, denied)  # type: ignore[no-any-return]
    answer: Answer = server.create_authorization_response(request, grant_user=resource_owner, grant=grant)
    if answer[0] != 302:  # an error authlib could not redirect (none expected once the grant validated)
        raise InvalidRequest("The authorization request is not valid", details={"error": answer[1]})
    return answer


def _field_of(error: OAuth2Error) -> str:
    text = f"{error.description or ''}".lower()
    if error.error == "invalid_client":
        return "client_id"
    return "redirect_uri" if "redirect" in text else "query"


# --- token -----------------------------------------------------------------------------------------------
def token(params: list[tuple[str, str]], headers: Mapping[str, str]) -> Answer:
    issuer = metadata.issuer(headers)
    form = dict(reversed(params))  # the first value of each (duplicates are authlib's to refuse)
    try:
        basic = _basic_credentials(headers.get("authorization"))
    except ValueError:
        server = _server(issuer)
        request = _request("POST", issuer + TOKEN_PATH, headers, params)
        malformed = InvalidClientError(status_code=401, description="Malformed HTTP Basic credentials")
        return server.handle_error_response(request, malformed)  # type: ignore[no-any-return]
    secret = basic[1] if basic else form.get("client_secret")
    server = _server(issuer, secret=secret, tenant_hint=_tenant_of(form))
    request = _request("POST", issuer + TOKEN_PATH, headers, params)
    unprintable = _unprintable(params)
    if unprintable:
        refused = InvalidRequestError(f"'{unprintable}' may hold only printable ASCII, no quote or backslash")
        return server.handle_error_response(request, refused)  # type: ignore[no-any-return]
    return server.create_token_response(request)  # type: ignore[no-any-return]


def json_params(body: str | None) -> list[tuple[str, str]]:
    """A JSON object's string fields as token parameters (any other member makes the request invalid:
    authlib then answers `unsupported_grant_type` or `invalid_request` for what is missing)."""
    if not body:
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return []
    if not isinstance(document, dict):
        return []
    return [(str(k), v) for k, v in document.items() if isinstance(v, str)]


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """`Basic base64(urlencoded id ":" urlencoded secret)` (RFC 6749 §2.3.1); ValueError if garbled."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("not base64 of UTF-8") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise ValueError("no secret")
    return unquote(client_id), unquote(secret)


def _tenant_of(form: Mapping[str, str]) -> str | None:
    """The tenant a code or refresh token names (its first piece), so the registry answers the app's
    enablement for it in the client lookup itself."""
    if form.get("grant_type") == "authorization_code":
        pieces = grants.split(form.get("code", ""), 2)
    elif form.get("grant_type") == "refresh_token":
        pieces = grants.split(form.get("refresh_token", ""), 3)
    else:
        return None
    return pieces[0] if pieces else None


# --- userinfo --------------------------------------------------------------------------------------------
def bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, value = (headers.get("authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def userinfo(headers: Mapping[str, str]) -> dict[str, Any]:
    challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    try:
        claims = tokens.verify_access_token(bearer(headers), metadata.issuer(headers))
    except InvalidToken as exc:
        raise type(exc)(exc.message, headers=challenge) from None
    scope = str(claims.get("scope") or "").split()
    tenant_id, grant_id, subject = claims.get("tenant_id"), claims.get("sid"), str(claims["sub"])
    if not tenant_id or not grant_id:
        raise InvalidToken("A client_credentials token names no user", headers=challenge)
    if "openid" not in scope:
        raise PermissionDenied(
            "The access token lacks the openid scope",
            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="openid"'},
        )
    require_credential_tenant(headers.get("x-tenant-id"), tenant_id)
    if store.grant_revoked(str(tenant_id), str(grant_id)):
        raise InvalidToken("The grant of this access token was revoked", headers=challenge)
    user = grants.end_user(str(tenant_id), subject, str(grant_id))
    if user is None:
        raise InvalidToken("The user is no longer active", headers=challenge)
    return grants.user_info(user, " ".join(scope))
