"""Which content types a tenant may upload (docs/platform-services.md): images, text, PDF, JSON, ZIP,
opaque binaries and office documents, unless a deployment sets `STRATUS_FILE_TYPES` (comma-separated,
a trailing `*` matches any suffix: `image/*`, `application/vnd.ms-*`).

The allow-list is read from the environment here because `shared.config.Settings` has no field for it
yet (asked for in the service's report); it is read once per container, like every other setting.
"""

from __future__ import annotations

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


def allowed() -> tuple[str, ...]:
    return settings().file_types or DEFAULT_TYPES


def is_allowed(content_type: str) -> bool:
    """`content_type` is already normalized (lower-case media type); parameters do not matter."""
    media = content_type.split(";", 1)[0].strip()
    for pattern in allowed():
        if pattern.endswith("*") and media.startswith(pattern[:-1]):
            return True
        if media == pattern:
            return True
    return False


def require_allowed(content_type: str) -> None:
    if not is_allowed(content_type):
        raise InvalidFileType(
            f"Files of type {content_type.split(';', 1)[0]} are not allowed",
            field="contentType",
            details={"allowed": list(allowed())},
        )
