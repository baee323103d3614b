"""One copy of each wire rule (issue 11): the camelCase base models and the X-Tenant-ID check.

The services once each kept a copy of the same camelCase base (nine of them) and compared `X-Tenant-ID`
with the credential's tenant in three places with three messages. The source-reading tests below fail on
a new copy before it can drift; the others pin what the one copy does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.errors import Forbidden
from shared.models import CamelBody, CamelModel
from shared.tenant_header import require_credential_tenant

ROOT = Path(__file__).resolve().parents[3]
SERVICES = sorted(p for d in ("functions", "apps") for p in (ROOT / d).rglob("*.py"))
KERNEL = sorted((ROOT / "shared").rglob("*.py"))


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


# --- the camelCase base ----------------------------------------------------------------------------------
def test_only_shared_models_configures_camel_case_aliases() -> None:
    # GIVEN every module of the kernel, the services and the apps
    # THEN only shared/models.py turns on name population or an alias generator
    configured = [
        _relative(p)
        for p in (*KERNEL, *SERVICES)
        for node in ast.walk(_tree(p))
        if isinstance(node, ast.keyword)
        and node.arg in ("populate_by_name", "validate_by_name", "alias_generator")
    ]
    assert set(configured) == {"shared/models.py"}


def test_every_service_and_app_model_builds_on_the_shared_base() -> None:
    # GIVEN every class of functions/ and apps/  THEN none is a pydantic model of its own making
    direct = [
        f"{_relative(p)}:{node.name}"
        for p in SERVICES
        for node in ast.walk(_tree(p))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) in ("BaseModel", "pydantic.BaseModel") for base in node.bases)
    ]
    assert direct == [], "derive from shared.models.CamelModel / CamelBody"


class _Sample(CamelBody):
    tenant_id: str
    page_size: int = 10


def test_the_wire_is_camel_case_and_python_names_are_accepted_too() -> None:
    # GIVEN a body in camelCase  WHEN it is parsed  THEN the Python names hold it and it dumps camelCase
    parsed = _Sample.model_validate({"tenantId": "acme", "pageSize": 5})
    assert (parsed.tenant_id, parsed.page_size) == ("acme", 5)
    assert parsed.model_dump(by_alias=True) == {"tenantId": "acme", "pageSize": 5}
    # AND code may build it with Python names
    assert _Sample(tenant_id="acme").model_dump(by_alias=True) == {"tenantId": "acme", "pageSize": 10}


def test_a_request_body_refuses_an_unknown_field_and_a_response_ignores_it() -> None:
    with pytest.raises(ValidationError, match="admin"):
        _Sample.model_validate({"tenantId": "acme", "admin": True})

    class Out(CamelModel):
        user_id: str

    assert Out.model_validate({"userId": "u_1", "extra": 1}).model_dump(by_alias=True) == {"userId": "u_1"}


# --- X-Tenant-ID -------------------------------------------------------------------------------------
def _mentions_the_header(node: ast.expr) -> bool:
    text = ast.unparse(node).lower()
    return ("tenant_id)" in text and "header" in text) or "x-tenant-id" in text


def test_only_shared_tenant_header_compares_x_tenant_id_with_a_credential() -> None:
    # GIVEN every module  THEN no comparison involves the X-Tenant-ID header (or a `claimed_tenant`)
    # outside shared/tenant_header.py, and no module but it words the refusal
    compared = [
        f"{_relative(p)}:{node.lineno}"
        for p in (*KERNEL, *SERVICES)
        for node in ast.walk(_tree(p))
        if isinstance(node, ast.Compare)
        and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops)
        and any(
            _mentions_the_header(side) or "claimed_tenant" in ast.unparse(side)
            for side in (node.left, *node.comparators)
        )
    ]
    assert compared == []
    worded = [_relative(p) for p in (*KERNEL, *SERVICES) if "X-Tenant-ID does not match" in p.read_text()]
    assert worded == ["shared/tenant_header.py"]


@pytest.mark.parametrize("claimed", [None, "", "acme"])
def test_no_header_or_the_credentials_own_tenant_passes(claimed: str | None) -> None:
    require_credential_tenant(claimed, "acme")


def test_another_tenant_in_the_header_is_403_naming_the_header_and_the_credential() -> None:
    # GIVEN a verified API key of acme  WHEN the request says X-Tenant-ID: globex  THEN 403, never an override
    with pytest.raises(Forbidden) as refused:
        require_credential_tenant("globex", "acme", credential="API key")
    assert refused.value.field == "X-Tenant-ID"
    assert refused.value.message == "X-Tenant-ID does not match the API key's tenant"
