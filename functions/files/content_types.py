"""Which content types a tenant may upload (docs/platform-services.md): images, text, PDF, JSON, ZIP,
opaque binaries and office documents, unless a deployment sets `STRATUS_FILE_TYPES` (comma-separated,
a trailing `*` matches any suffix: `image/*`, `application/vnd.ms-*`), unless the tenant's configuration
(the config center's `files` key, `allowedTypes`) sets its own list. Active content (HTML, SVG, scripts,
XML) is never allowed through a wildcard.

The allow-list is read from the environment here because `shared.config.Settings` has no field for it
yet (asked for in the service's report); it is read once per container, like every other setting.
"""

from __future__ import annotations

from shared import tenant_config
from shared.config import settings
from shared.errors import InvalidFileType

DEFAULT_TYPES = (
    "image/*",
    "text/*",
    "application/pdf",
    "application/json",
    "application/zip",
    "application/octet-stream",
    # office documents: the legacy binary formats, OOXML and OpenDocument
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.*",
    "application/vnd.oasis.opendocument.*",
    "application/rtf",
)


# Types a browser runs or renders as a document of the origin that serves them: a stored-XSS vector when
# served inline. Refused even where a wildcard (`text/*`, `image/*`) covers them; a deployment that really
# wants one names it exactly in `STRATUS_FILE_TYPES`, and it is still only ever served as an opaque
# attachment (`served_as`).
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/xsl",
        "application/xslt+xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
        "application/ecmascript",
        "application/wasm",
        "application/x-shockwave-flash",
        "text/cache-manifest",
        "multipart/x-mixed-replace",
    }
)
OPAQUE = "application/octet-stream"


# The config center key a tenant (or its plan, or the platform) sets to narrow or widen the list:
# `{"allowedTypes": ["image/*", "application/pdf"]}` (docs/config-center.md).
CONFIG_KEY = "files"


def allowed(tenant_id: str | None = None) -> tuple[str, ...]:
    """The tenant's list if its configuration sets one, else the deployment's, else the defaults."""
    if tenant_id is not None:
        configured = tenant_config.value(tenant_id, CONFIG_KEY)
        types = configured.get("allowedTypes") if isinstance(configured, dict) else None
        if isinstance(types, list) and all(isinstance(t, str) for t in types):
            return tuple(t.strip().lower() for t in types if t.strip())
    return settings().file_types or DEFAULT_TYPES


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_active(content_type: str) -> bool:
    return _media(content_type) in ACTIVE_TYPES


def is_allowed(content_type: str, tenant_id: str | None = None) -> bool:
    """Parameters do not matter; an active type must be listed by its exact name."""
    media = _media(content_type)
    for pattern in allowed(tenant_id):
        if media == pattern:
            return True
        if pattern.endswith("*") and media.startswith(pattern[:-1]) and media not in ACTIVE_TYPES:
            return True
    return False


def served_as(content_type: str) -> str:
    """The type a download is served with: active content never reaches a browser as itself."""
    return OPAQUE if is_active(content_type) else content_type


def require_allowed(content_type: str, tenant_id: str | None = None) -> None:
    if not is_allowed(content_type, tenant_id):
        raise InvalidFileType(
            f"Files of type {content_type.split(';', 1)[0]} are not allowed",
            field="contentType",
            details={"allowed": list(allowed(tenant_id))},
        )
