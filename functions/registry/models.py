"""Request and response bodies of the registry (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool

from shared.models import CamelBody, CamelModel
from shared.schema_patterns import WHITESPACE

APP_NAME_PATTERN = r"^[a-z][a-z0-9-]{1,39}$"
SERVICE_ID_PATTERN = r"^svc_[0-9a-f]{32}$"
# An absolute http(s) URL in ASCII: a host (no user info), then an optional path, query or fragment.
HTTP_URL_PATTERN = r"^https?://[A-Za-z0-9._~%!$&'()*+,;=:\[\]-]+([/?#][\x21-\x7e]*)?$"
# `/items/{id}`: literal segments and `{param}` (one segment) or a last `{param+}` (the rest of the path).
_SEGMENT = r"([A-Za-z0-9._~!$&'()*,;=:@-]+|\{[A-Za-z_][A-Za-z0-9_]*\})"
ENDPOINT_PATH_PATTERN = (
    rf"^(/|(/{_SEGMENT})+(/\{{[A-Za-z_][A-Za-z0-9_]*\+\}})?/?|/\{{[A-Za-z_][A-Za-z0-9_]*\+\}})$"
)
PERMISSION_PATTERN = r"^(\*|[a-z][a-z0-9_-]*\.(\*|[a-z][a-z0-9_-]*))$"
EVENT_PATTERN = r"^(\*|[a-z]+\.(\*|[a-z_]+))$"
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,49}$"
VISIBLE_TEXT = rf"^[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f{WHITESPACE}][^\x00-\x1f\x7f]*$"

AppName = Annotated[str, Field(pattern=APP_NAME_PATTERN, min_length=2, max_length=40)]
Url = Annotated[str, Field(pattern=HTTP_URL_PATTERN, min_length=10, max_length=500)]
Version = Annotated[str, Field(pattern=VERSION_PATTERN, min_length=1, max_length=50)]
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "ANY"]
DeliveryStatus = Literal["delivered", "failed", "dead_lettered"]
AppKind = Literal["external", "in-repo"]
# An app's configuration for one tenant: a small JSON object (its size is checked when stored).
AppConfig = Annotated[dict[str, Any], Field(max_length=50)]


class _Body(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


class Endpoint(_Body):
    method: Method
    path: str = Field(pattern=ENDPOINT_PATH_PATTERN, min_length=1, max_length=200)
    required_permission: str | None = Field(
        default=None, alias="requiredPermission", pattern=PERMISSION_PATTERN, max_length=100
    )
    public: StrictBool = False


class Registration(_Body):
    name: AppName
    display_name: str = Field(alias="displayName", min_length=1, max_length=100, pattern=VISIBLE_TEXT)
    version: Version
    base_url: Url = Field(alias="baseUrl")
    endpoints: list[Endpoint] = Field(min_length=1, max_length=100)
    events: list[Annotated[str, Field(pattern=EVENT_PATTERN, max_length=60)]] = Field(
        default_factory=list, max_length=50
    )
    webhook_url: Url | None = Field(default=None, alias="webhookUrl")
    redirect_uris: list[Url] = Field(default_factory=list, alias="redirectUris", max_length=10)


class Registered(_Out):
    """What registration answers, once: the secrets are never shown again."""

    service_id: str = Field(alias="serviceId")
    name: str
    registration_token: str = Field(alias="registrationToken")
    webhook_secret: str = Field(alias="webhookSecret")
    client_id: str = Field(alias="clientId")
    client_secret: str = Field(alias="clientSecret")


class AppService(_Out):
    """`kind`: `external` (registered over HTTP) or `in-repo` (apps/<name>/, registered by the deployment,
    always active; no base URL, client or heartbeat)."""

    service_id: str = Field(alias="serviceId")
    name: str
    kind: AppKind = "external"
    display_name: str = Field(alias="displayName")
    version: str
    base_url: str | None = Field(default=None, alias="baseUrl")
    endpoints: list[Endpoint]
    events: list[str]
    webhook_url: str | None = Field(default=None, alias="webhookUrl")
    redirect_uris: list[str] = Field(alias="redirectUris")
    client_id: str | None = Field(default=None, alias="clientId")
    status: Literal["registered", "deregistered"]
    active: bool
    last_heartbeat: str | None = Field(alias="lastHeartbeat")
    registered_at: str | None = Field(default=None, alias="registeredAt")


class Heartbeat(_Body):
    """`serviceId` / `name`, when given, must be the token's own app (else 401)."""

    version: Version | None = None
    service_id: str | None = Field(default=None, alias="serviceId", pattern=SERVICE_ID_PATTERN)
    name: AppName | None = None


class HeartbeatAck(_Out):
    service_id: str = Field(alias="serviceId")
    name: str
    version: str
    active: bool
    last_heartbeat: str = Field(alias="lastHeartbeat")


class TenantApp(_Out):
    service_id: str = Field(alias="serviceId")
    name: str
    kind: AppKind = "external"
    display_name: str = Field(alias="displayName")
    version: str
    active: bool
    enabled: bool
    config: dict[str, Any] | None = None
    updated_at: str | None = Field(default=None, alias="updatedAt")


class Enablement(_Body):
    enabled: StrictBool
    config: AppConfig | None = None


class DeliveryAttempt(_Out):
    event_id: str = Field(alias="eventId")
    event_type: str = Field(alias="eventType")
    tenant_id: str | None = Field(default=None, alias="tenantId")
    attempt: int
    status: DeliveryStatus
    http_status: int | None = Field(default=None, alias="httpStatus")
    error: str | None = None
    duration_ms: float = Field(alias="durationMs")
    attempted_at: str = Field(alias="attemptedAt")


class AppAccess(_Out):
    """What an in-repo app's kernel gate asks the registry (`shared.app_access`): has this tenant enabled
    the app, and with which configuration."""

    name: str
    tenant_id: str = Field(alias="tenantId")
    enabled: bool
    config: dict[str, Any] | None = None
