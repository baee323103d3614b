"""The `files` table's layout: the record type and every key, as pure functions (no I/O; `store` does
the reads and writes, its in-memory fake keys the same way).

| item  | pk                       | sk                                          |
| file  | `TENANT#t#FILE#<fileId>` | `FILE`                                      |
| count | `TENANT#t#FILECOUNT`     | `FOLDER#<folder>` / `ALL` (attribute `count`) |

Indexes (each sparse: an item is in an index only while it carries that index's attributes):
- gsi1 `TENANT#t#FOLDER#<folder>` / `<createdAt>#<fileId>`: available files of a folder (the listing).
- gsi2 `TENANT#t#FILES` / `<createdAt>#<fileId>`: available files of the tenant (the listing without a
  folder); and, under gsi2pk `TENANT#t#PENDING`, the tenant's pending uploads, so that reconcile-storage
  finds every byte a tenant's records hold with two Queries instead of a Scan. A status change moves the
  item between the two partitions; quarantined files are in no index.
- gsi3 `PENDING` / `<createdAt>#TENANT#t#FILE#<fileId>`: every pending upload, oldest first (the cleanup
  job's index; one partition is fine for the few pending uploads a platform has at any time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import InvalidRequest
from shared.tables import tenant_key

FILE_SK = "FILE"
ALL_SK = "ALL"
PENDING = "PENDING"
INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")


@dataclass(frozen=True)
class FileRecord:
    tenant_id: str
    file_id: str
    file_name: str
    file_size: int
    content_type: str
    folder: str
    key: str
    status: str
    owner_id: str
    created_at: str
    updated_at: str
    checksum: str | None = None
    etag: str | None = None  # of the object completion verified (downloads check it is still that one)
    quarantine_key: str | None = None

    @property
    def order(self) -> str:
        """The listings' sort key: newest first when read backwards, the id breaking ties."""
        return f"{self.created_at}#{self.file_id}"


def file_pk(tenant_id: str, file_id: str) -> str:
    return tenant_key(tenant_id, "FILE", file_id)


def folder_partition(tenant_id: str, folder: str) -> str:
    return tenant_key(tenant_id, "FOLDER", folder)


def files_partition(tenant_id: str) -> str:
    return tenant_key(tenant_id, "FILES")


def pending_partition(tenant_id: str) -> str:
    return tenant_key(tenant_id, "PENDING")


def count_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "FILECOUNT")


def folder_sk(folder: str) -> str:
    return f"FOLDER#{folder}"


def check_cursor(key: dict[str, Any], index: str, partition: str, tenant_id: str) -> None:
    """A cursor is opaque but not trusted: it must point into this listing of this tenant, or DynamoDB
    would refuse it (a 500) or start somewhere it should not."""
    expected = {"pk", "sk", f"{index}pk", f"{index}sk"}
    ok = (
        set(key) == expected
        and all(isinstance(v, dict) and set(v) == {"S"} for v in key.values())
        and key[f"{index}pk"]["S"] == partition
        and key["sk"]["S"] == FILE_SK
        and str(key["pk"]["S"]).startswith(tenant_key(tenant_id, "FILE") + "#")
    )
    if not ok:
        raise InvalidRequest("The cursor is not valid", field="cursor")
