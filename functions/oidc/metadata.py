"""What the provider says about itself: its issuer, endpoints and what it supports (OpenID Connect Discovery
1.0 §3, RFC 8414). Plain data, so the discovery functions load none of authlib or joserfc (~45 ms of a cold
start); the flows (provider.py) and authlib's client model (clients.py) read the same constants.

The issuer is `STRATUS_OIDC_ISSUER` when set (set it on every deployment: an https URL), else the URL the
request came to (`X-Forwarded-Proto`, `Host`) — what `stratus dev` uses (`http://127.0.0.1:3000`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

AUTHORIZE_PATH = "/api/v1/oauth2/authorize"
TOKEN_PATH = "/api/v1/oauth2/token"  # noqa: S105 - a path, not a secret
USERINFO_PATH = "/api/v1/oauth2/userinfo"
JWKS_PATH = "/.well-known/jwks.json"
SCOPES = ("openid", "profile", "email")
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
CLAIMS = ("sub", "tenant_id", "email", "email_verified", "name", "given_name", "family_name", "updated_at")


def issuer(headers: Mapping[str, str]) -> str:
    configured = os.environ.get("STRATUS_OIDC_ISSUER", "").strip().rstrip("/")
    if configured:
        return configured
    host = (headers.get("x-forwarded-host") or headers.get("host") or "localhost").split(",")[0].strip()
    proto = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    if proto not in ("http", "https"):
        loopback = host.split(":")[0] in ("127.0.0.1", "localhost", "[::1]")
        proto = "http" if loopback else "https"
    return f"{proto}://{host}"


def discovery(headers: Mapping[str, str]) -> dict[str, Any]:
    """OpenID Provider Metadata."""
    base = issuer(headers)
    return {
        "issuer": base,
        "authorization_endpoint": base + AUTHORIZE_PATH,
        "token_endpoint": base + TOKEN_PATH,
        "userinfo_endpoint": base + USERINFO_PATH,
        "jwks_uri": base + JWKS_PATH,
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": list(CLAIMS),
        "authorization_response_iss_parameter_supported": False,
    }
