"""The `files` table's layout: the record type and every key, as pure functions (no I/O; `store` does
the reads and writes).

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from shared.tables import tenant_key

FILE_SK = "FILE"
ALL_SK = "ALL"
PENDING = "PENDING"
INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")
_deserializer = TypeDeserializer()
_OPTIONAL = {"checksum": "checksum", "etag": "etag", "quarantine_key": "quarantineKey"}


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


def pending_item(record: FileRecord) -> dict[str, Any]:
    """A new pending upload: in the tenant's pending partition of gsi2 and in gsi3 (cleanup)."""
    pk = file_pk(record.tenant_id, record.file_id)
    return {
        "pk": pk,
        "sk": FILE_SK,
        "fileId": record.file_id,
        "fileName": record.file_name,
        "fileSize": record.file_size,
        "contentType": record.content_type,
        "folder": record.folder,
        "key": record.key,
        "status": record.status,
        "ownerId": record.owner_id,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "gsi2pk": pending_partition(record.tenant_id),
        "gsi2sk": record.order,
        "gsi3pk": PENDING,
        "gsi3sk": f"{record.created_at}#{pk}",
    }


def from_item(raw: Mapping[str, Any]) -> FileRecord:
    """A record from DynamoDB's wire format."""
    item = {name: _deserializer.deserialize(value) for name, value in raw.items()}
    # pk is TENANT#<t>#FILE#<fileId>: the tenant is the second part (tenant ids contain no `#`).
    tenant_id = str(item["pk"]).split("#")[1]
    optional = {name: str(item[attr]) if attr in item else None for name, attr in _OPTIONAL.items()}
    return FileRecord(
        tenant_id=tenant_id,
        file_id=str(item["fileId"]),
        file_name=str(item["fileName"]),
        file_size=int(item["fileSize"]),
        content_type=str(item["contentType"]),
        folder=str(item["folder"]),
        key=str(item["key"]),
        status=str(item["status"]),
        owner_id=str(item["ownerId"]),
        created_at=str(item["createdAt"]),
        updated_at=str(item["updatedAt"]),
        **optional,
    )
