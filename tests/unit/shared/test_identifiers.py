"""One copy of each rule two services share (issue 11): the tenant-id pattern and the platform-admin check.
These tests read the source, so a second copy fails here before it can drift (once `{1,62}` vs `{2,62}`, and
`tenant.create` vs `tenant.admin`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared import identifiers, permissions
from shared.context import UserContext

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted(p for d in ("shared", "functions", "stratus") for p in (ROOT / d).rglob("*.py"))


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_tenant_id_pattern_is_written_once() -> None:
    # GIVEN every module of the platform  THEN only shared/identifiers.py spells the pattern out
    copies = [_relative(p) for p in SOURCES if "[a-z0-9][a-z0-9-]{" in p.read_text()]
    assert copies == ["shared/identifiers.py"]


def test_the_platform_admin_check_is_defined_once() -> None:
    # GIVEN every module  THEN no function but shared.permissions.is_platform_admin decides who is one
    definers = [
        f"{_relative(p)}:{node.name}"
        for p in SOURCES
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.lstrip("_").endswith("is_platform_admin")
    ]
    assert definers == ["shared/permissions.py:is_platform_admin"]
    # AND nobody combines the platform tenant with a permission check of its own
    restated = [_relative(p) for p in SOURCES if "platform_tenant and allows(" in p.read_text()]
    assert restated == ["shared/permissions.py"]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("acme", True),
        ("a-1", True),
        ("ab", False),
        ("-acme", False),
        ("Acme", False),
        ("a" * 63, True),
        ("a" * 64, False),
    ],
)
def test_a_tenant_id_is_what_api_md_says(value: str, valid: bool) -> None:
    assert identifiers.is_tenant_id(value) is valid


@pytest.mark.parametrize(
    ("tenant", "granted", "admin"),
    [
        ("platform", ("*",), True),
        ("platform", ("tenant.admin",), True),
        ("platform", ("user.read",), False),
        ("acme", ("*",), False),
    ],
)
def test_a_platform_admin_is_a_platform_user_holding_tenant_admin(
    tenant: str, granted: tuple[str, ...], admin: bool
) -> None:
    user = UserContext(user_id="u_1", tenant_id=tenant, roles=(), permissions=granted)
    assert permissions.is_platform_admin(user) is admin
