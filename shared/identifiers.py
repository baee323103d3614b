"""The identifier rules every service shares, written once (API.md: a tenant id matches
`^[a-z0-9][a-z0-9-]{2,62}$`). Models, path parameters, key builders and token formats all use these;
`tests/unit/shared/test_identifiers.py` fails if a copy of the pattern appears anywhere else."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

# The pattern without anchors, for formats that embed a tenant id (link tokens, config scopes).
TENANT_ID_BODY = "[a-z0-9][a-z0-9-]{2,62}"
TENANT_ID_PATTERN = f"^{TENANT_ID_BODY}$"
TENANT_ID_RE = re.compile(TENANT_ID_PATTERN)

# A tenant id in a request body (`tenantId`).
TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]


def is_tenant_id(value: str) -> bool:
    return TENANT_ID_RE.fullmatch(value) is not None


# An API key acts as a principal whose user id is its key id (the gateway's authorizer): no user record, no
# rbac roles — exactly the key's scopes, which a service checks on the caller's context.
API_KEY_ID_PREFIX = "key_"


def is_api_key(principal_id: str) -> bool:
    return principal_id.startswith(API_KEY_ID_PREFIX)
