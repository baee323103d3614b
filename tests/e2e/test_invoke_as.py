"""`stratus invoke FUNCTION --as EMAIL@TENANT` (issue 13.3): a protected function runs as that user, with a
real access token the authorizer verifies — their permissions and tenant, nobody else's — and the sample
events of `stratus events sample` are what the functions take."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.catalog import registry
from stratus import cli
from stratus.local import LocalPlatform
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, Api

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    before = dict(os.environ)
    os.environ.update({"STRATUS_ADMIN_EMAIL": ADMIN_EMAIL, "STRATUS_ADMIN_PASSWORD": ADMIN_PASSWORD})
    platform = LocalPlatform(registry(), port=0, emulator_port=0, log=lambda _line: None)
    platform.start()
    yield platform
    platform.stop()
    os.environ.clear()
    os.environ.update(before)


@pytest.fixture(scope="module")
def member(local: LocalPlatform) -> str:
    """A member of tenant `acme`: `EMAIL@TENANT`."""
    api = Api(local.url)
    token = api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"]
    assert api.create_tenant(token, "acme").status == 201
    assert api.register("ada@acme.example", "acme").status == 201
    return "ada@acme.example@acme"


def invoke(
    local: LocalPlatform,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    function: str,
    *sample: str,
    **kw: str,
) -> tuple[int, dict[str, Any]]:
    assert cli.main(["events", "sample", *sample]) == 0
    event = tmp_path / "event.json"
    event.write_text(capsys.readouterr().out)
    argv = ["invoke", function, "--event", str(event), "--endpoint", local.emulator.endpoint_url]  # type: ignore[union-attr]
    if "as_user" in kw:
        argv += ["--as", kw["as_user"]]
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else {"err": captured.err}


def test_a_protected_function_runs_as_the_user_named(
    local: LocalPlatform, member: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # WHEN users-me is invoked as the member
    code, result = invoke(
        local, capsys, tmp_path, "users-me", "http", "GET", "/api/v1/users/me", as_user=member
    )
    # THEN it answers as behind the gateway: that user, in that tenant, with their roles
    assert code == 0
    assert result["statusCode"] == 200
    me = json.loads(result["body"])["data"]
    assert (me["email"], me["tenantId"]) == ("ada@acme.example", "acme")
    assert me["roles"] == ["member"]


def test_the_users_permissions_apply(
    local: LocalPlatform, member: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN a member without audit.read  WHEN the audit query runs as them  THEN 403, as over HTTP
    code, result = invoke(
        local, capsys, tmp_path, "audit-query", "http", "GET", "/api/v1/audit", as_user=member
    )
    assert code == 0
    assert result["statusCode"] == 403
    assert json.loads(result["body"])["error"]["code"] == "PERMISSION_DENIED"
    # AND as the platform admin, who holds it, the same event succeeds
    code, result = invoke(
        local,
        capsys,
        tmp_path,
        "audit-query",
        "http",
        "GET",
        "/api/v1/audit",
        as_user=f"{ADMIN_EMAIL}@platform",
    )
    assert result["statusCode"] == 200


def test_without_as_a_protected_function_refuses_as_the_gateway_would(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, result = invoke(local, capsys, tmp_path, "users-me", "http", "GET", "/api/v1/users/me")
    assert code == 0
    assert result["statusCode"] == 401
    assert json.loads(result["body"])["error"]["code"] == "INVALID_TOKEN"


def test_a_user_who_does_not_exist_is_one_line(
    local: LocalPlatform, member: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, result = invoke(
        local,
        capsys,
        tmp_path,
        "users-me",
        "http",
        "GET",
        "/api/v1/users/me",
        as_user="eve@acme.example@acme",
    )
    assert code == 1
    assert result["err"].strip().splitlines() == [
        "stratus: no user eve@acme.example in tenant acme (create it, or check the spelling)"
    ]
    # AND another tenant's name does not lend its users
    code, result = invoke(
        local,
        capsys,
        tmp_path,
        "users-me",
        "http",
        "GET",
        "/api/v1/users/me",
        as_user="ada@acme.example@nowhere",
    )
    assert code == 1
    assert result["err"].startswith("stratus: cannot act as ada@acme.example@nowhere: TENANT_NOT_FOUND")


def test_a_sample_sqs_batch_is_processed_by_a_subscriber(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN the user.created sample as an SQS batch  WHEN the audit subscriber takes it  THEN it succeeds
    code, result = invoke(local, capsys, tmp_path, "audit-subscriber", "user.created", "--sqs")
    assert code == 0
    assert result == {"batchItemFailures": []}
