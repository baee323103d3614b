"""The files service's request and response bodies: camelCase on the wire, validated at the edge.

File names and folders end up in object keys and index keys, so their shapes are checked here, once:
a name has no path separator or control character, a folder is `/`-separated safe segments without
`..` (and without `#`, which would forge another key).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictInt

from shared.errors import InvalidRequest
from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel
from shared.schema_patterns import CONTROL_AND_FORMAT, WHITESPACE

ROOT_FOLDER = "root"
MAX_FOLDER_LENGTH = 256
MAX_NAME_LENGTH = 255
_SEGMENT = re.compile(r"[A-Za-z0-9 _.-]+")
# type/subtype, optionally followed by `; name=value` parameters (the event catalog's pattern, anchored).
_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
    r"(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(\"[^\"\\\r\n]*\"|[A-Za-z0-9!#$&^_.+-]+))*"
)

Status = Literal["pending", "available", "quarantined"]


def normalize_folder(raw: str | None) -> str:
    """`/finance/reports/` → `finance/reports`; empty or `/` → `root`. Raises 400 (`folder`) otherwise."""
    if raw is None:
        return ROOT_FOLDER
    folder = raw.strip("/")
    if not folder:
        return ROOT_FOLDER
    if len(folder) > MAX_FOLDER_LENGTH:
        raise InvalidRequest(f"folder: at most {MAX_FOLDER_LENGTH} characters", field="folder")
    for segment in folder.split("/"):
        if not _SEGMENT.fullmatch(segment) or segment in (".", ".."):
            raise InvalidRequest(
                "folder: `/`-separated segments of letters, digits, space, `_`, `.`, `-` (no `..`)",
                field="folder",
            )
    return folder


def normalize_content_type(raw: str) -> str:
    """The media type lower-cased (it is case-insensitive), parameters kept, spaces around `;` removed:
    the exact string the upload policy pins and the stored object is compared with."""
    value = raw.strip()
    if len(value) > 255 or not _MEDIA_TYPE.fullmatch(value):
        raise ValueError("not a media type (type/subtype)")
    media, _, params = value.partition(";")
    parts = [media.strip().lower(), *(p.strip() for p in params.split(";") if p.strip())]
    return "; ".join(parts)


def _check_file_name(name: str) -> str:
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise ValueError(f"1 to {MAX_NAME_LENGTH} characters")
    if "/" in name or "\\" in name:
        raise ValueError("no path separators")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ValueError("no control characters")
    if name.strip() in ("", ".", ".."):
        raise ValueError("not a file name")
    return name


def _check_folder(raw: str) -> str:
    try:
        return normalize_folder(raw)
    except InvalidRequest as exc:
        raise ValueError(exc.message.removeprefix("folder: ")) from None


# The same rules as the published patterns (a validator's rule is invisible to the schema otherwise).
_SPACE = f"[{WHITESPACE}]*"
FILE_NAME_PATTERN = rf"^(?!{_SPACE}\.{{0,2}}{_SPACE}$)[^/\\{CONTROL_AND_FORMAT}]{{1,{MAX_NAME_LENGTH}}}$"
# The media type itself (`normalize_content_type` also trims whitespace around it): what it allows, the
# validator accepts.
CONTENT_TYPE_PATTERN = "^" + _MEDIA_TYPE.pattern.replace(r"\s", f"[{WHITESPACE}]") + "$"
_FOLDER_SEGMENT = rf"(?!\.\.?(?:/|$)){_SEGMENT.pattern}"
FOLDER_PATTERN = (
    rf"^/*(?:(?=[A-Za-z0-9 _./-]{{1,{MAX_FOLDER_LENGTH}}}/*$){_FOLDER_SEGMENT}(?:/{_FOLDER_SEGMENT})*)?/*$"
)

FileName = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME_LENGTH, json_schema_extra={"pattern": FILE_NAME_PATTERN}),
    AfterValidator(_check_file_name),
]
ContentType = Annotated[
    str,
    Field(json_schema_extra={"pattern": CONTENT_TYPE_PATTERN, "maxLength": 255}),
    AfterValidator(normalize_content_type),
]
Folder = Annotated[
    str,
    Field(max_length=MAX_FOLDER_LENGTH + 2, json_schema_extra={"pattern": FOLDER_PATTERN}),
    AfterValidator(_check_folder),
]
# Durations the maintenance jobs take: a positive number of days, hours or minutes.
Duration = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,4}[dhm]$")]


# --- requests ----------------------------------------------------------------------------------------
class UploadRequest(CamelBody):
    file_name: FileName
    # At most what a storage quota counts (the tenants service refuses more, as a 400 on its own field).
    file_size: Annotated[StrictInt, Field(ge=1, le=10**18)]
    content_type: ContentType
    folder: Folder | None = None  # None (or absent, or `/`) is the root folder


class CleanupRequest(CamelBody):
    older_than: Duration
    limit: Annotated[StrictInt, Field(ge=1, le=1000)] = 100


class ReconcileRequest(CamelBody):
    tenant_id: Annotated[str, Field(pattern=TENANT_ID_PATTERN)]


# --- responses ---------------------------------------------------------------------------------------
class UploadForm(CamelModel):
    """Where and how the client uploads the bytes: a multipart/form-data POST of `fields` + `file`."""

    url: str
    method: Literal["POST"] = "POST"
    fields: dict[str, str]
    expires_at: str


class UploadTicket(CamelModel):
    file_id: str
    upload: UploadForm


class FileOut(CamelModel):
    """A file as every route shows it: never the object key or the owner's internals."""

    file_id: str
    file_name: str
    file_size: int
    content_type: str
    folder: str
    status: Status
    checksum: str | None = None
    owner_id: str
    created_at: str
    updated_at: str


class DownloadLink(CamelModel):
    url: str
    expires_at: str


class CleanupResult(CamelModel):
    processed_items: int
    released_bytes: int
    errors: list[str]


class StorageHeld(CamelModel):
    tenant_id: str
    bytes: int
    pending_files: int
    available_files: int
