"""Finding a file of the caller's tenant and showing it: the tenant always comes from the verified user,
so another tenant's file id (or a malformed one) is simply not found."""

from __future__ import annotations

import re

from functions.files import ports
from functions.files.layout import FileRecord
from functions.files.models import FileOut
from shared.context import UserContext, require
from shared.errors import FileNotFound

_FILE_ID = re.compile(r"f_[0-9a-f]{32}")


def caller() -> UserContext:
    return require().require_user()


def find(tenant_id: str, file_id: str) -> FileRecord:
    """The file, or 404 `FILE_NOT_FOUND` (the key starts with the caller's tenant)."""
    found = ports.store().get(tenant_id, file_id) if _FILE_ID.fullmatch(file_id) else None
    if found is None:
        raise FileNotFound()
    return found


def to_out(record: FileRecord) -> FileOut:
    return FileOut(
        file_id=record.file_id,
        file_name=record.file_name,
        file_size=record.file_size,
        content_type=record.content_type,
        folder=record.folder,
        status=record.status,
        checksum=record.checksum,
        owner_id=record.owner_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
