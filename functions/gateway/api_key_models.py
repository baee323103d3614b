"""The bodies of `/api/v1/api-keys` (API.md "Apps": API keys)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.models import CamelBody, CamelModel
from shared.schema_patterns import WHITESPACE

PERMISSION_PATTERN = r"^(\*|[a-z][a-z0-9_-]*\.(\*|[a-z][a-z0-9_-]*))$"
KEY_ID_PATTERN = r"^key_[0-9a-f]{24}$"
# RFC 3339 (what `format: date-time` means): checked again, and turned into an instant, by `api_keys`.
DATE_TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
VISIBLE_TEXT = rf"^[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f{WHITESPACE}][^\x00-\x1f\x7f]*$"
Scope = Annotated[str, Field(pattern=PERMISSION_PATTERN, max_length=100)]


class NewApiKey(CamelBody):
    name: str = Field(min_length=1, max_length=100, pattern=VISIBLE_TEXT)
    scopes: list[Scope] = Field(min_length=1, max_length=50)
    expires_at: str | None = Field(
        default=None,
        alias="expiresAt",
        pattern=DATE_TIME_PATTERN,
        max_length=40,
        json_schema_extra={"format": "date-time"},
    )


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


class CreatedApiKey(_Out):
    """The key itself is in this answer only."""

    key_id: str = Field(alias="keyId")
    key: str
    name: str
    prefix: str
    scopes: list[str]
    expires_at: str | None = Field(alias="expiresAt")
    created_at: str = Field(alias="createdAt")


class ApiKey(_Out):
    key_id: str = Field(alias="keyId")
    name: str
    prefix: str
    scopes: list[str]
    expires_at: str | None = Field(alias="expiresAt")
    expired: bool
    created_at: str = Field(alias="createdAt")
    created_by: str | None = Field(default=None, alias="createdBy")
    last_used_at: str | None = Field(alias="lastUsedAt")
