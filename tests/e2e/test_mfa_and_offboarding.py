"""Issue 17, items 3 and 6, end to end through the local platform: TOTP MFA (enrol, activate, login with
MFA_REQUIRED then verify, recovery codes, disable, the tenant's requireMfaForAdmins) and tenant offboarding
(export archive, deletion by a job of events) — with each attack the contract names, GIVEN / WHEN / THEN."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from functions.catalog import registry
from shared import aws
from shared.config import settings
from shared.declarations import KERNEL_TABLES
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api, aws_calls
from tests.e2e.platform import eventually, fetch, tenant_with_admin, upload, whole_platform

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    with whole_platform() as platform:
        yield Api(platform.url)


@pytest.fixture(scope="module")
def root(api: Api) -> str:
    token: str = api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"]
    return token


def _login(api: Api, email: str, tenant: str, **headers: str) -> Any:
    return api.call(
        "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD, "tenantId": tenant}, **headers
    )


def _enable_mfa(api: Api, token: str) -> tuple[pyotp.TOTP, list[str]]:
    enrolled = api.call("POST", "/api/v1/auth/mfa/enroll", token=token)
    assert enrolled.status == 200, enrolled.body
    assert enrolled.body["data"]["otpauthUrl"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(enrolled.body["data"]["secret"])
    activated = api.call("POST", "/api/v1/auth/mfa/activate", {"code": totp.now()}, token=token)
    assert activated.status == 200, activated.body
    codes: list[str] = activated.body["data"]["recoveryCodes"]
    assert len(codes) == 10
    return totp, codes


def _next_code(totp: pyotp.TOTP, used: str) -> str:
    """A code of a later step than `used` (each step's code works once): wait for the next step."""
    while (code := totp.now()) == used:
        time.sleep(0.5)
    return code


def _mfa_token(api: Api, email: str, tenant: str, **headers: str) -> str:
    refused = _login(api, email, tenant, **headers)
    assert refused.status == 401, refused.body
    assert refused.body["error"]["code"] == "MFA_REQUIRED"
    token: str = refused.body["error"]["details"]["mfaToken"]
    return token


def _verify(api: Api, token: str, code: str, **headers: str) -> Any:
    return api.call("POST", "/api/v1/auth/mfa/verify", {"mfaToken": token, "code": code}, **headers)


# --- MFA -----------------------------------------------------------------------------------------------
def test_login_with_mfa_end_to_end_and_its_calls_per_operation(api: Api, root: str) -> None:
    admin = tenant_with_admin(api, root, "mfa-one")
    email = "admin@mfa-one.example"
    totp, _codes = _enable_mfa(api, admin)
    # GIVEN MFA is on WHEN the right password is sent THEN 401 MFA_REQUIRED with an mfaToken
    with aws_calls() as first:
        token = _mfa_token(api, email, "mfa-one")
    # WHEN the token and a fresh code are sent THEN the same body as login
    code = _next_code(totp, totp.now())
    with aws_calls() as second:
        done = _verify(api, token, code)
    assert done.status == 200, done.body
    data = done.body["data"]
    assert data["tokenType"] == "Bearer"
    assert data["user"]["tenantId"] == "mfa-one"
    assert api.call("GET", "/api/v1/users/me", token=data["accessToken"]).status == 200
    lines = []
    for name, calls in (("login (MFA_REQUIRED)", first), ("mfa/verify", second)):
        assert not any(op.endswith(":Scan") for op in calls), (name, calls)
        dynamodb = sum(n for op, n in calls.items() if op.startswith("dynamodb:"))
        lines.append(f"{name:22} {dynamodb:2} DynamoDB  {dict(sorted(calls.items()))}")
    print("\n" + "\n".join(lines))
    # the same code again, within its window, with a new token: refused (replay)
    replay = _verify(api, _mfa_token(api, email, "mfa-one"), code)
    assert replay.status == 401
    assert replay.body["error"]["code"] == "INVALID_CREDENTIALS"
    # the used mfaToken again, with another valid code: refused
    reused = _verify(api, token, _next_code(totp, code))
    assert reused.status == 401
    assert reused.body["error"]["code"] == "INVALID_TOKEN"


def test_recovery_codes_work_once_and_wrong_codes_lock_the_source_out(api: Api, root: str) -> None:
    admin = tenant_with_admin(api, root, "mfa-two")
    email = "admin@mfa-two.example"
    totp, codes = _enable_mfa(api, admin)
    # GIVEN a recovery code WHEN it is used THEN it logs in once, and never again
    assert _verify(api, _mfa_token(api, email, "mfa-two"), codes[0]).status == 200
    again = _verify(api, _mfa_token(api, email, "mfa-two"), codes[0])
    assert again.status == 401
    # GIVEN an attacker with the password WHEN it guesses codes from this client THEN this client locks:
    # the sixth guess is 423, and so is a right code (the owner from another address is not locked out:
    # tests/unit/functions/users/test_mfa.py, since every local request comes from 127.0.0.1)
    token = _mfa_token(api, email, "mfa-two")
    wrong = "000000" if totp.now() != "000000" else "111111"
    answers = [_verify(api, token, wrong).status for _ in range(6)]
    assert answers == [401] * 5 + [423], answers
    locked = _verify(api, token, codes[1])
    assert locked.status == 423
    assert locked.body["error"]["code"] == "ACCOUNT_LOCKED"
    assert int(locked.headers["Retry-After"]) > 0
    # the same lockout as wrong passwords: this client's password step is locked too
    assert _login(api, email, "mfa-two").status == 423


def test_an_mfa_token_of_another_user_or_tenant_does_not_work(api: Api, root: str) -> None:
    a = tenant_with_admin(api, root, "mfa-three")
    b = tenant_with_admin(api, root, "mfa-four")
    totp_a, _ = _enable_mfa(api, a)
    totp_b, _ = _enable_mfa(api, b)
    token_b = _mfa_token(api, "admin@mfa-four.example", "mfa-four")
    # B's token with A's code: checked against B's secret
    if totp_a.now() != totp_b.now():
        assert _verify(api, token_b, totp_a.now()).status == 401
    # B's token re-addressed to tenant A: no such challenge there
    forged = "mfa-three." + token_b.split(".", 1)[1]
    answer = _verify(api, forged, totp_a.now())
    assert answer.status == 401
    assert answer.body["error"]["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize(
    "body",
    [{}, {"mfaToken": "x", "code": "123456"}, {"mfaToken": "a.b.c", "code": 5}, {"code": "123456"}, []],
)
def test_bad_verify_bodies_are_4xx_never_500(api: Api, body: Any) -> None:
    answer = api.call("POST", "/api/v1/auth/mfa/verify", body)
    assert 400 <= answer.status < 500, answer.body


def test_disable_then_login_needs_only_the_password(api: Api, root: str) -> None:
    admin = tenant_with_admin(api, root, "mfa-five")
    _totp, codes = _enable_mfa(api, admin)
    assert api.call("POST", "/api/v1/auth/mfa/disable", {"code": codes[0]}, token=admin).status == 204
    assert _login(api, "admin@mfa-five.example", "mfa-five").status == 200


def test_require_mfa_for_admins_refuses_an_admin_without_mfa_until_it_enrols(api: Api, root: str) -> None:
    admin = tenant_with_admin(api, root, "mfa-six")
    email = "admin@mfa-six.example"
    # a member is not concerned
    assert api.register("member@mfa-six.example", "mfa-six").status == 201
    patched = api.call(
        "PATCH", "/api/v1/tenants/mfa-six", {"settings": {"requireMfaForAdmins": True}}, token=admin
    )
    assert patched.status == 200, patched.body
    assert patched.body["data"]["settings"]["requireMfaForAdmins"] is True
    # GIVEN the setting WHEN an admin without MFA logs in THEN 403 MFA_ENROLLMENT_REQUIRED with a token
    refused = _login(api, email, "mfa-six")
    assert refused.status == 403, refused.body
    assert refused.body["error"]["code"] == "MFA_ENROLLMENT_REQUIRED"
    assert "enroll" in refused.body["error"]["message"].lower()
    enrol_token = refused.body["error"]["details"]["mfaToken"]
    assert _login(api, "member@mfa-six.example", "mfa-six").status == 200
    # the enrolment token starts and finishes an enrolment, once
    started = api.call("POST", "/api/v1/auth/mfa/enrollment", {"mfaToken": enrol_token})
    assert started.status == 200, started.body
    totp = pyotp.TOTP(started.body["data"]["secret"])
    finished = api.call(
        "POST", "/api/v1/auth/mfa/enrollment/activate", {"mfaToken": enrol_token, "code": totp.now()}
    )
    assert finished.status == 200, finished.body
    assert api.call("POST", "/api/v1/auth/mfa/enrollment", {"mfaToken": enrol_token}).status == 401
    # now the admin logs in with MFA
    token = _mfa_token(api, email, "mfa-six")
    assert _verify(api, token, _next_code(totp, totp.now())).status == 200


# --- offboarding ---------------------------------------------------------------------------------------
def _wait_export(api: Api, token: str, tenant: str, export_id: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        answer = api.call("GET", f"/api/v1/tenants/{tenant}/exports/{export_id}", token=token)
        assert answer.status == 200, answer.body
        found: dict[str, Any] = answer.body["data"]
        assert found["status"] != "failed", found
        return found if found["status"] == "completed" else None

    return eventually(done, timeout=60, what="the export")


def _tenant_items(tenant: str) -> dict[str, int]:
    """Per table, the items whose key starts with the tenant's (a Scan: tests only)."""
    ddb = aws.client("dynamodb")
    left: dict[str, int] = {}
    for table in [*registry().tables(), *KERNEL_TABLES]:
        name = settings().table_name(table.name)
        found = 0
        for page in ddb.get_paginator("scan").paginate(
            TableName=name,
            FilterExpression="pk = :t OR begins_with(pk, :p)",
            ExpressionAttributeValues={":t": {"S": f"TENANT#{tenant}"}, ":p": {"S": f"TENANT#{tenant}#"}},
        ):
            found += len(page.get("Items", []))
        if found:
            left[table.name] = found
    return left


def _objects(tenant: str) -> list[str]:
    s3 = aws.client("s3")
    keys: list[str] = []
    for prefix in (f"tenants/{tenant}/", f"quarantine/tenants/{tenant}/", f"exports/{tenant}/"):
        listed = s3.list_objects_v2(Bucket=settings().bucket_name, Prefix=prefix)
        keys += [o["Key"] for o in listed.get("Contents", [])]
    return keys


def test_export_then_delete_a_tenant_leaves_nothing(api: Api, root: str) -> None:
    tenant = "offboard-one"
    admin = tenant_with_admin(api, root, tenant)
    other = tenant_with_admin(api, root, "offboard-two")
    assert api.register(f"member@{tenant}.example", tenant).status == 201
    member = api.login(f"member@{tenant}.example", PASSWORD, tenant)["accessToken"]
    _enable_mfa(api, member)  # an MFA secret that must never reach the archive
    file_id, done = upload(api, admin, b"quarterly numbers\n", name="q1.txt")
    assert done.status == 200, done.body

    # GIVEN a member WHEN it asks for an export THEN 403
    refused = api.call("POST", f"/api/v1/tenants/{tenant}/export", token=member)
    assert refused.status == 403
    assert refused.body["error"]["code"] == "PERMISSION_DENIED"
    # GIVEN another tenant's admin WHEN it asks THEN 404 (never reveal)
    assert api.call("POST", f"/api/v1/tenants/{tenant}/export", token=other).status == 404

    # WHEN the tenant's admin asks THEN 202 {exportId}, built by a job with progress
    accepted = api.call("POST", f"/api/v1/tenants/{tenant}/export", token=admin)
    assert accepted.status == 202, accepted.body
    export_id = accepted.body["data"]["exportId"]
    # the export link of another tenant: 404, by id or by tenant
    assert api.call("GET", f"/api/v1/tenants/{tenant}/exports/{export_id}", token=other).status == 404
    assert api.call("GET", f"/api/v1/tenants/offboard-two/exports/{export_id}", token=other).status == 404
    assert api.call("GET", f"/api/v1/tenants/{tenant}/exports/exp_nope", token=admin).status == 404
    finished = _wait_export(api, admin, tenant, export_id)
    assert finished["progress"] == 100
    assert finished["url"]
    assert finished["expiresAt"]
    archive = zipfile.ZipFile(io.BytesIO(fetch(finished["url"])))
    names = set(archive.namelist())
    assert {
        "tenant.json",
        "users.jsonl",
        "roles.jsonl",
        "files.jsonl",
        "audit.jsonl",
        "notifications.jsonl",
    } <= names
    users_text = archive.read("users.jsonl").decode()
    users = [json.loads(line) for line in users_text.splitlines()]
    assert {u["email"] for u in users} == {f"admin@{tenant}.example", f"member@{tenant}.example"}
    assert "passwordHash" not in users_text
    assert "$argon2" not in users_text
    assert "secret" not in users_text.lower()
    assert "recovery" not in users_text.lower()
    assert [json.loads(x)["fileId"] for x in archive.read("files.jsonl").decode().splitlines()] == [file_id]
    assert any(n.startswith("objects/") and archive.read(n) == b"quarterly numbers\n" for n in names)
    roles = [json.loads(x) for x in archive.read("roles.jsonl").decode().splitlines()]
    assert {"tenant_admin", "member"} <= {r["name"] for r in roles if r["kind"] == "role"}
    assert archive.read("audit.jsonl")
    assert archive.read("notifications.jsonl")
    # a platform admin may export too
    assert api.call("POST", f"/api/v1/tenants/{tenant}/export", token=root).status == 202

    # GIVEN the platform tenant WHEN deleted THEN refused; GIVEN a tenant admin WHEN it deletes THEN 403
    assert api.call("DELETE", "/api/v1/tenants/platform", token=root).status == 403
    assert api.call("DELETE", f"/api/v1/tenants/{tenant}", token=admin).status == 403
    assert api.call("DELETE", f"/api/v1/tenants/{tenant}", token=other).status == 403
    assert _tenant_items(tenant), "the tenant has data before its deletion"

    # WHEN a platform admin deletes it THEN 202; its logins are 404 at once; a job purges every table
    deleted = api.call("DELETE", f"/api/v1/tenants/{tenant}", token=root)
    assert deleted.status == 202, deleted.body
    gone = _login(api, f"admin@{tenant}.example", tenant)
    assert gone.status == 404
    assert gone.body["error"]["code"] == "TENANT_NOT_FOUND"
    assert api.call("GET", "/api/v1/users/me", token=admin).status in (401, 403)
    eventually(
        lambda: api.call("GET", f"/api/v1/tenants/{tenant}", token=root).status == 404,
        timeout=90,
        what="the tenant's deletion to finish",
    )
    assert _tenant_items(tenant) == {}
    assert _objects(tenant) == []
    # deleting it again: 404; the other tenant is untouched
    assert api.call("DELETE", f"/api/v1/tenants/{tenant}", token=root).status == 404
    assert api.call("GET", "/api/v1/tenants/offboard-two", token=other).status == 200
    # the deletion is audited in the platform's log
    audited = api.call("GET", "/api/v1/audit?type=tenant.deleted", token=root)
    assert audited.status == 200
    assert any(r["data"]["tenantId"] == tenant for r in audited.body["data"]), audited.body
