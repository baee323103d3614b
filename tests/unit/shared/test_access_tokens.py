"""Access tokens: only auth's signers hold the private key; everyone else verifies with the public JWKS."""

from __future__ import annotations

import json

import pytest

from shared import access_tokens
from shared.access_tokens import AccessClaims
from shared.config import settings
from shared.errors import InvalidToken

CLAIMS = AccessClaims(sub="u_1", tenant_id="acme", sid="s_1")


def test_a_verifier_with_only_the_public_jwks_verifies_and_cannot_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token, _ = access_tokens.issue(CLAIMS)
    public = json.dumps(access_tokens.jwks())
    monkeypatch.delenv("STRATUS_JWT_PRIVATE_KEY")
    monkeypatch.setenv("STRATUS_JWT_PUBLIC_JWKS", public)
    settings.cache_clear()
    assert access_tokens.verify(token).sub == "u_1"
    assert access_tokens.jwks() == json.loads(public)
    with pytest.raises(RuntimeError, match="no signing key"):
        access_tokens.issue(CLAIMS)


def test_a_token_from_a_rotated_out_key_still_verifies_while_its_jwks_is_published(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old_token, _ = access_tokens.issue(CLAIMS)
    old_public = json.dumps(access_tokens.jwks())
    monkeypatch.setenv("STRATUS_JWT_PRIVATE_KEY", access_tokens.generate_private_key_pem())
    monkeypatch.setenv("STRATUS_JWT_KID", "stratus-2")
    monkeypatch.setenv("STRATUS_JWT_PREVIOUS_JWKS", old_public)
    settings.cache_clear()
    assert access_tokens.verify(old_token).sub == "u_1"
    monkeypatch.delenv("STRATUS_JWT_PREVIOUS_JWKS")
    settings.cache_clear()
    with pytest.raises(InvalidToken):
        access_tokens.verify(old_token)
