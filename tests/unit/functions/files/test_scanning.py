"""The EICAR check and the object key naming, on their own."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from functions.files import objects, scanning
from functions.files.scanning import EICAR, scan


def test_the_eicar_string_is_the_standard_68_bytes() -> None:
    assert len(EICAR) == 68
    assert EICAR.startswith(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR")


@pytest.mark.parametrize("content", [EICAR, EICAR + b"\n", EICAR + b" \t\r\n\x1a" * 10, (EICAR + b" " * 60)])
def test_the_test_file_with_trailing_whitespace_is_detected(content: bytes) -> None:
    assert scan(content[: scanning.HEAD_BYTES], len(content)) == "EICAR-Test-File"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        EICAR[:-1],
        b" " + EICAR,
        EICAR + b"x",
        EICAR + b" " * 61,  # 129 bytes: longer than EICAR allows
        EICAR.lower(),
    ],
)
def test_anything_else_is_clean(content: bytes) -> None:
    assert scan(content[: scanning.HEAD_BYTES], len(content)) is None


def test_keys_follow_the_naming_under_the_tenant_prefix() -> None:
    key = objects.new_key("acme", "My Report (final).PDF", datetime(2025, 3, 4, tzinfo=UTC))
    assert re.fullmatch(r"tenants/acme/uploads/20250304/My_Report_final_[0-9a-f]{16}\.pdf", key), key
    assert objects.new_key("acme", "...", datetime(2025, 3, 4, tzinfo=UTC)).split("/")[-1].startswith("file_")
    assert objects.new_key("acme", "a.pdf", datetime.now(UTC)) != objects.new_key(
        "acme", "a.pdf", datetime.now(UTC)
    )


@pytest.fixture
def aws_resources() -> None:
    """Overrides the package's moto fixture: scanning and naming never touch AWS."""
