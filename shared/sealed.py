"""Secrets sealed at rest with envelope encryption: a fresh KMS data key per secret, AES-256-GCM.

    token = sealed.seal(b"JBSWY3DPEHPK3PXP", context={"tenantId": t, "userId": u, "purpose": "mfa"})
    secret = sealed.unseal(token, context={"tenantId": t, "userId": u, "purpose": "mfa"})

`seal` asks KMS for a data key (GenerateDataKey, AES_256, under the deployment's key), encrypts with the
plaintext key and forgets it; the token keeps only the data key as KMS encrypted it. `unseal` has KMS
decrypt the data key, then opens the ciphertext. The context is bound twice: as KMS's encryption context
(a data key sealed for one user cannot be decrypted for another; CloudTrail logs it) and as AES-GCM's
associated data. A token is `v1.<encrypted data key>.<nonce>.<ciphertext>` (URL-safe base64), so a
stored value says which scheme made it.

The key is `alias/<resource prefix>-data`: both deployments create it, and the local provisioner creates
it on the emulator (moto) for functions declared `kms=True`.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Any, cast

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared import aws
from shared.config import settings
from shared.errors import ServiceUnavailable

VERSION = "v1"
_NONCE_BYTES = 12


class SealBroken(ValueError):
    """The token is malformed, or was sealed under another context or key."""


def _kms() -> Any:
    return aws.client(cast(Any, "kms"))  # no stubs for KMS: an untyped client


def key_alias() -> str:
    return f"alias/{settings().resource_prefix}-data"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aad(context: Mapping[str, str]) -> bytes:
    return "&".join(f"{k}={context[k]}" for k in sorted(context)).encode()


def seal(plaintext: bytes, *, context: Mapping[str, str]) -> str:
    try:
        key = _kms().generate_data_key(KeyId=key_alias(), KeySpec="AES_256", EncryptionContext=dict(context))
    except (BotoCoreError, ClientError) as exc:
        raise ServiceUnavailable("The key service is unavailable") from exc
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key["Plaintext"]).encrypt(nonce, plaintext, _aad(context))
    return ".".join((VERSION, _b64(key["CiphertextBlob"]), _b64(nonce), _b64(ciphertext)))


def unseal(token: str, *, context: Mapping[str, str]) -> bytes:
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        raise SealBroken("not a sealed value")
    try:
        encrypted_key, nonce, ciphertext = (_unb64(p) for p in parts[1:])
    except ValueError as exc:
        raise SealBroken("not a sealed value") from exc
    try:
        key = _kms().decrypt(CiphertextBlob=encrypted_key, EncryptionContext=dict(context))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in (
            "InvalidCiphertextException",
            "IncorrectKeyException",
        ):
            raise SealBroken("sealed under another context or key") from exc
        raise ServiceUnavailable("The key service is unavailable") from exc
    except BotoCoreError as exc:
        raise ServiceUnavailable("The key service is unavailable") from exc
    try:
        return AESGCM(key["Plaintext"]).decrypt(nonce, ciphertext, _aad(context))
    except InvalidTag as exc:
        raise SealBroken("sealed under another context") from exc
