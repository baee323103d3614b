"""The internal routes of auth as typed calls (`AuthClient`), with their request and response models.

Other services call auth only through this module. It imports nothing of auth but its manifest and
models (no handler, no store), so a caller's cold start does not load auth's code."""

from __future__ import annotations

from collections.abc import Callable

from functions.auth.manifest import SERVICE
from functions.auth.models import (
    IssuedToken,
    LoggedOut,
    LogoutRequest,
    PreValidated,
    PreValidateRequest,
    SystemToken,
    SystemTokenRequest,
    TokensRequest,
    VerifiedClaims,
    VerifyTokenRequest,
)
from shared.typed_client import TypedClient

__all__ = [
    "AuthClient",
    "IssuedToken",
    "LoggedOut",
    "LogoutRequest",
    "PreValidateRequest",
    "PreValidated",
    "SystemToken",
    "SystemTokenRequest",
    "TokensRequest",
    "VerifiedClaims",
    "VerifyTokenRequest",
    "job_token_source",
]


class AuthClient(TypedClient):
    """One method per internal route of functions/auth/manifest.py, named after its function."""

    callee = SERVICE

    def pre_validate(self, body: PreValidateRequest) -> PreValidated:
        """`POST /internal/auth/pre-validate`: normalize a sign-up email and check the password rule
        before anything is written.

        Handled by functions/auth/pre_validate.py."""
        return self._send("pre-validate", PreValidated, body)

    def tokens(self, body: TokensRequest) -> IssuedToken:
        """`POST /internal/auth/tokens`: sign an RS256 access token for an opened session; a login
        publishes user.login.

        Handled by functions/auth/tokens.py."""
        return self._send("tokens", IssuedToken, body)

    def verify_token(self, body: VerifyTokenRequest) -> VerifiedClaims:
        """`POST /internal/auth/verify-token`: the claims of a valid access token (401 INVALID_TOKEN
        / TOKEN_EXPIRED otherwise).

        Handled by functions/auth/verify_token.py."""
        return self._send("verify-token", VerifiedClaims, body)

    def logout(self, body: LogoutRequest) -> LoggedOut:
        """`POST /internal/auth/logout`: revoke the session in the cache and publish user.logout.

        Handled by functions/auth/logout.py."""
        return self._send("logout", LoggedOut, body)

    def system_token(self, body: SystemTokenRequest) -> SystemToken:
        """`POST /internal/auth/system-token`: a 5-minute RS256 token typed `system`, for scheduled
        jobs.

        Handled by functions/auth/system_token.py."""
        return self._send("system-token", SystemToken, body)


def job_token_source(auth: AuthClient) -> Callable[[str, str], str]:
    """What a `shared.jobs.Job` takes as `system_token`: (its function, its operation) → a system token."""
    return lambda service_id, operation: (
        auth.system_token(SystemTokenRequest(service_id=service_id, operation=operation)).system_token
    )
