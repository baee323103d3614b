"""DESIGN §5: on an authenticated request the tenant is the credential's, never the header's.

A client may still send `X-Tenant-ID` (seed 001 asks clients to); it can only agree with the verified
credential, and a header naming another tenant is 403 `FORBIDDEN`, never an override and never ignored.
Every place that has both — `HttpApp` for user routes, the gateway's authorizer for tokens and API keys —
asks this function, so the rule and its answer are the same everywhere (tests/unit/shared/test_models.py
refuses a comparison of the header anywhere else).
"""

from __future__ import annotations

from shared.errors import Forbidden


def require_credential_tenant(
    claimed: str | None, credential_tenant: str, *, credential: str = "token"
) -> None:
    """Refuse an `X-Tenant-ID` (`claimed`, absent or empty when not sent) that is not `credential_tenant`.
    `credential` names what was verified ("token", "API key") in the message."""
    if claimed and claimed != credential_tenant:
        raise Forbidden(f"X-Tenant-ID does not match the {credential}'s tenant", field="X-Tenant-ID")
