"""Bodies of the registry's OAuth client lookup (`POST /internal/registry/oauth-clients/resolve`), the one
route through which the OIDC provider (functions/oidc) learns about a registered app as an OAuth client."""

from __future__ import annotations

from pydantic import Field

from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

CLIENT_ID_PATTERN = r"^cli_[0-9a-f]{24}$"


class ClientQuery(CamelBody):
    """Which client; optionally the secret it presented (checked here, where the pepper and the hash live)
    and the tenant whose enablement of the app matters."""

    client_id: str = Field(alias="clientId", pattern=CLIENT_ID_PATTERN)
    client_secret: str | None = Field(default=None, alias="clientSecret", max_length=200)
    tenant_id: str | None = Field(default=None, alias="tenantId", pattern=TENANT_ID_PATTERN)


class OAuthClient(CamelModel):
    """A registered (not deregistered) app as an OAuth client. `secretValid` is null unless a secret was
    given; `enabled` is null unless a tenant was given."""

    client_id: str = Field(alias="clientId")
    service_id: str = Field(alias="serviceId")
    name: str
    display_name: str = Field(alias="displayName")
    redirect_uris: list[str] = Field(alias="redirectUris")
    secret_valid: bool | None = Field(default=None, alias="secretValid")
    enabled: bool | None = None
