"""What the OIDC provider's endpoints answer (functions/oidc), for the OpenAPI document: their bodies are
the OAuth/OIDC protocols', not the platform's envelopes (client libraries read them), so stratus/openapi.py
describes them from here."""

from __future__ import annotations

from typing import Any

_STRING = {"type": "string"}

DISCOVERY: dict[str, Any] = {
    "title": "OpenIdConfiguration",
    "description": "OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414).",
    "type": "object",
    "required": [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "response_types_supported",
        "code_challenge_methods_supported",
    ],
    "properties": {
        "issuer": _STRING,
        "authorization_endpoint": _STRING,
        "token_endpoint": _STRING,
        "userinfo_endpoint": _STRING,
        "jwks_uri": _STRING,
        "scopes_supported": {"type": "array", "items": _STRING},
        "response_types_supported": {"type": "array", "items": {"const": "code"}},
        "code_challenge_methods_supported": {"type": "array", "items": {"const": "S256"}},
        "grant_types_supported": {"type": "array", "items": _STRING},
    },
}
TOKEN: dict[str, Any] = {
    "title": "TokenResponse",
    "description": "RFC 6749 §5.1: an RS256 access token for the client, a refresh token "
    "(authorization_code, refresh_token) and an ID token (scope openid).",
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": _STRING,
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer"},
        "refresh_token": _STRING,
        "id_token": _STRING,
        "scope": _STRING,
    },
}
USERINFO: dict[str, Any] = {
    "title": "UserInfo",
    "description": "OpenID Connect Core §5.3: the user's claims the token's scopes allow.",
    "type": "object",
    "required": ["sub", "tenant_id"],
    "properties": {
        "sub": _STRING,
        "tenant_id": _STRING,
        "email": _STRING,
        "email_verified": {"type": "boolean"},
        "name": _STRING,
        "updated_at": {"type": "integer"},
    },
}
AUTHORIZE: dict[str, Any] = {
    "description": "A redirect to the client's registered redirect URI with `code` and `state`, or with "
    "`error` (RFC 6749 §4.1.2) — a 400 envelope instead when the client or the redirect URI is not valid.",
    "type": "string",
    "maxLength": 0,
}
OAUTH_ERROR: dict[str, Any] = {
    "title": "OAuthError",
    "type": "object",
    "required": ["error"],
    "properties": {"error": _STRING, "error_description": _STRING, "error_uri": _STRING},
}

RAW_BODIES: dict[str, dict[str, Any]] = {
    "GET /.well-known/openid-configuration": DISCOVERY,
    "GET /api/v1/.well-known/openid-configuration": DISCOVERY,
    "GET /api/v1/oauth2/authorize": AUTHORIZE,
    "POST /api/v1/oauth2/token": TOKEN,
    "GET /api/v1/oauth2/userinfo": USERINFO,
}
# Statuses whose body is the protocol's error (RFC 6749 §5.2) or, for what the platform refuses before
# the grant runs (a malformed form, a field too long), its envelope.
RAW_ERRORS: dict[str, dict[int, tuple[dict[str, Any], str]]] = {
    "POST /api/v1/oauth2/token": {
        400: (
            OAUTH_ERROR,
            "RFC 6749 §5.2: invalid_request, invalid_grant, unsupported_grant_type, invalid_scope.",
        ),
        401: (OAUTH_ERROR, "RFC 6749 §5.2: invalid_client (HTTP Basic or client_secret_post)."),
    }
}
EXTRA_STATUSES: dict[str, tuple[int, ...]] = {
    # a missing, forged, expired or revoked OAuth token (401); a token without the openid scope (403)
    "GET /api/v1/oauth2/userinfo": (401, 403),
}
