"""The config service's bodies: camelCase on the wire, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import Field, JsonValue

from shared.config_docs import KEY
from shared.identifiers import TENANT_ID_BODY
from shared.models import CamelBody, CamelModel

# The path parameters every config route takes, as the document states them (scopes.resolve and
# check_key say the same in words when a value is refused).
SCOPE_PATTERN = r"^(platform|tenant|tenant:" + TENANT_ID_BODY + r"|(plan|app):[a-z][a-z0-9_-]{0,39})$"
ScopePath = Annotated[str, Path(pattern=SCOPE_PATTERN, max_length=100)]
KeyPath = Annotated[str, Path(pattern=KEY.pattern, max_length=100)]


# --- requests ----------------------------------------------------------------------------------------
class ConfigWrite(CamelBody):
    """The scope's new document of the key (any JSON; null: the scope contributes nothing) and the version
    the writer read (`ifVersion`, or an `If-Match` header; 0 or absent: the key is new at this scope)."""

    value: JsonValue
    if_version: int | None = Field(default=None, ge=0)


class Rollback(CamelBody):
    """Write version `version` again, as a new version. `ifVersion`: the current version the writer read."""

    version: int = Field(ge=1)
    if_version: int | None = Field(default=None, ge=0)


# --- responses ---------------------------------------------------------------------------------------
class ScopeLayer(CamelModel):
    """One scope's own document of the key, as it enters the merge (version 0, value null: none)."""

    scope: str
    version: int
    value: JsonValue = None
    updated_at: str | None = Field(default=None)
    updated_by: str | None = Field(default=None)


class ConfigDocument(CamelModel):
    """A key at a scope: the scope's own document (`value`, at `version` — what a write's `ifVersion`
    names), the `effective` value (every scope of `layers` merged, lowest first) and the `layers`."""

    scope: str
    key: str
    version: int
    value: JsonValue = None
    effective: JsonValue = None
    layers: list[ScopeLayer]
    plan: str | None = None  # the tenant's plan the merge used (tenant and app scopes)
    updated_at: str | None = Field(default=None)
    updated_by: str | None = Field(default=None)


class ConfigVersion(CamelModel):
    version: int
    value: JsonValue = None
    action: Literal["set", "rollback"]
    rolled_back_to: int | None = Field(default=None)
    updated_at: str
    updated_by: str


class EvaluatedFlags(CamelModel):
    flags: dict[str, bool]
