"""The public body of the login's second step (`POST /api/v1/auth/mfa/verify`); the answer is login's."""

from __future__ import annotations

from pydantic import Field

from shared.models import CamelBody

# What users checks too (functions/users/mfa_models.py), stated at the edge so the published document says it.
MFA_TOKEN_PATTERN = r"^[a-z0-9-]+\.[0-9a-f]{32}\.[\w-]+$"  # noqa: S105 - a shape, not a secret
CODE_PATTERN = r"^[A-Za-z0-9 -]+$"


class MfaVerifyBody(CamelBody):
    mfa_token: str = Field(alias="mfaToken", min_length=10, max_length=256, pattern=MFA_TOKEN_PATTERN)
    code: str = Field(min_length=6, max_length=32, pattern=CODE_PATTERN)
