"""Helpers for the files tests: a fake tenants ledger and rbac, and one-line ways to drive an upload the
way a client does (request, POST the bytes to the bucket, complete)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from functions.files import complete as complete_fn
from functions.files import ports, upload_request
from functions.files.layout import FileRecord
from shared.context import UserContext
from shared.service_client import OutgoingRequest
from tests.kit import FakeServices, call, refuse, user
from tests.unit.functions.files.fakes import FakeBucket

TENANT, OTHER_TENANT = "acme", "globex"
JANE = user("u_jane", permissions=("file.read", "file.upload"), roles=("member",))
BOB = user("u_bob", permissions=("file.read", "file.upload"), roles=("member",))
ADMIN = user("u_admin")
INTRUDER = user("u_eve", tenant=OTHER_TENANT)
PDF = b"%PDF-1.7\n" + b"x" * 991  # 1000 bytes
EICAR_FILE = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass
class Ledger:
    """tenants' storage quota and rbac's answer, as the files service sees them."""

    limit: int = 1_000_000
    max_file: int = 500_000
    used: dict[str, int] = field(default_factory=dict)
    allow: bool = True

    def install(self, fake: FakeServices) -> FakeServices:
        fake.on("rbac", "POST", "/internal/permissions/check", self._check)
        fake.on("tenants", "POST", r"/internal/tenants/[a-z0-9-]+/check-quota", self._quota)
        return fake

    def _check(self, _request: OutgoingRequest, body: Any) -> Any:
        return {"allowed": self.allow, "permission": f"{body['resource']}.{body['action']}"}

    def _quota(self, request: OutgoingRequest, body: Any) -> Any:
        tenant, amount = request.path.split("/")[3], body["requestedAmount"]
        used = self.used.get(tenant, 0)
        if body["operation"] == "release":
            if amount > used:
                return 400, refuse("INVALID_REQUEST", "Cannot release more than is in use")
            self.used[tenant] = used - amount
        elif body["operation"] == "reserve":
            if amount > self.max_file:
                return 413, refuse("FILE_TOO_LARGE")
            if used + amount > self.limit:
                return 403, refuse("STORAGE_QUOTA_EXCEEDED")
            self.used[tenant] = used + amount
        return {"allowed": True, "used": self.used.get(tenant, 0), "limit": self.limit}


def quota_calls(services: FakeServices, operation: str) -> list[int]:
    """The amounts sent to tenants' check-quota with `operation`, in order."""
    return [
        b["requestedAmount"] for b in services.sent("tenants", "check-quota") if b["operation"] == operation
    ]


# --- driving an upload -------------------------------------------------------------------------------
def request_upload(
    caller: UserContext = JANE,
    *,
    name: str = "report.pdf",
    size: int = len(PDF),
    content_type: str = "application/pdf",
    folder: str | None = None,
    **extra: Any,
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"fileName": name, "fileSize": size, "contentType": content_type, **extra}
    if folder is not None:
        body["folder"] = folder
    return call(upload_request, body=body, caller=caller)


def put_object(key: str, content: bytes, content_type: str) -> None:
    """What the client's POST to the presigned form does: the bytes land in the bucket."""
    _bucket().put(key, content, content_type)


def _bucket() -> FakeBucket:
    bucket = ports.objects()
    assert isinstance(bucket, FakeBucket), "domain tests run on the in-memory bucket"
    return bucket


def requested(
    content: bytes = PDF,
    *,
    caller: UserContext = JANE,
    content_type: str = "application/pdf",
    name: str = "report.pdf",
    folder: str | None = None,
) -> tuple[str, str]:
    """Request an upload of `content` and put the bytes; → (fileId, object key). Not completed yet."""
    status, payload = request_upload(
        caller, name=name, size=len(content), content_type=content_type, folder=folder
    )
    assert status == 201, payload
    ticket = payload["data"]
    key = ticket["upload"]["fields"]["key"]
    put_object(key, content, content_type)
    return ticket["fileId"], key


def complete(file_id: str, caller: UserContext = JANE) -> tuple[int, dict[str, Any]]:
    return call(complete_fn, params={"fileId": file_id}, caller=caller)


def uploaded(content: bytes = PDF, **kwargs: Any) -> str:
    """A completed, available file; → its id."""
    file_id, _key = requested(content, **kwargs)
    status, payload = complete(file_id, kwargs.get("caller", JANE))
    assert status == 200, payload
    assert payload["data"]["status"] == "available"
    return file_id


def object_keys() -> list[str]:
    return _bucket().keys()


def raw_file(tenant: str, file_id: str) -> FileRecord | None:
    """The record as stored, whatever its status."""
    return ports.store().get(tenant, file_id)


def count(tenant: str, sk: str = "ALL") -> int:
    """The maintained count of available files: of the tenant (`ALL`) or of a folder (`FOLDER#<f>`)."""
    return ports.store().total(tenant, None if sk == "ALL" else sk.removeprefix("FOLDER#"))
