"""End-to-end: real HTTP to the local platform's gateway on 127.0.0.1."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from stratus.local import LocalPlatform
from tests.fixtures.registry import test_registry

pytestmark = pytest.mark.e2e


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def request(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Reply:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback only
            raw, status, hdrs = resp.read(), resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        raw, status, hdrs = exc.read(), exc.code, dict(exc.headers)
    if not raw:
        return Reply(status, hdrs, None)
    try:
        return Reply(status, hdrs, json.loads(raw))
    except ValueError:  # text (Prometheus exposition, say)
        return Reply(status, hdrs, raw.decode())


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    """The local platform with the test services, on free ports, its own emulator."""
    before = dict(os.environ)
    platform = LocalPlatform(test_registry(), port=0, emulator_port=0, log=lambda _line: None)
    platform.start()
    yield platform
    platform.stop()
    os.environ.clear()
    os.environ.update(before)
