"""Helpers for the files/notification/audit/monitoring end-to-end tests: a browser-style upload to a
presigned POST, waiting for asynchronous effects, and the platform admin's and tenants' sessions."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from functions.catalog import registry
from functions.gateway import rate_limits
from stratus.local import LocalPlatform
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api

T = TypeVar("T")


def post_form(url: str, fields: dict[str, str], content: bytes, content_type: str) -> int:
    """What a browser does with a presigned POST: multipart/form-data, the fields first, the file last."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 - the emulator on loopback
        url,
        data=b"".join(parts),
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the emulator on loopback
        return bytes(response.read())


def eventually(probe: Callable[[], T | None], *, timeout: float = 20.0, what: str = "it") -> T:
    """Poll until `probe` answers something truthy (subscribers work after the request returns)."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def upload(
    api: Api,
    token: str,
    content: bytes,
    *,
    name: str = "hello.txt",
    declared: int | None = None,
    content_type: str = "text/plain",
    folder: str | None = None,
    **headers: str,
) -> tuple[str, Any]:
    """upload-request → the bytes to the presigned POST → complete. → (fileId, the complete reply)."""
    body: dict[str, Any] = {
        "fileName": name,
        "fileSize": declared or len(content),
        "contentType": content_type,
    }
    if folder:
        body["folder"] = folder
    requested = api.call("POST", "/api/v1/files/upload", body, token=token, **headers)
    assert requested.status == 201, requested.body
    ticket = requested.body["data"]
    assert post_form(ticket["upload"]["url"], ticket["upload"]["fields"], content, content_type) in (
        200,
        201,
        204,
    )
    done = api.call("POST", f"/api/v1/files/{ticket['fileId']}/complete", token=token, **headers)
    return ticket["fileId"], done


def tenant_with_admin(api: Api, admin_token: str, tenant: str, **quotas: int) -> str:
    """A new tenant (standard plan, optional quota overrides); → its admin's access token."""
    extra: dict[str, Any] = {"quotas": quotas} if quotas else {}
    created = api.create_tenant(admin_token, tenant, **extra)
    assert created.status == 201, created.body
    return str(api.login(f"admin@{tenant}.example", PASSWORD, tenant)["accessToken"])


@contextmanager
def whole_platform(**env: str) -> Iterator[LocalPlatform]:
    """`stratus dev` with the real catalog on free ports, a known platform admin, rate limits out of the
    way, and `env` on top; the environment is restored afterwards."""
    before = dict(os.environ)
    os.environ.update(
        {
            "STRATUS_ADMIN_EMAIL": ADMIN_EMAIL,
            "STRATUS_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "STRATUS_RATE_LIMITS": json.dumps(
                {"auth": [100000, 900], "tenant": [100000, 900], "files": [100000, 60]}
            ),
            **env,
        }
    )
    rate_limits.limits.cache_clear()
    platform = LocalPlatform(registry(), port=0, emulator_port=0, log=lambda _line: None)
    platform.start()
    try:
        yield platform
    finally:
        platform.stop()
        os.environ.clear()
        os.environ.update(before)
        rate_limits.limits.cache_clear()
