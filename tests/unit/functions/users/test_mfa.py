"""TOTP MFA (functions/users/mfa.py) on the in-memory stores, with KMS under moto (the sealing is real):
enrolment and activation, the login's second step, and every attack the contract names — each GIVEN /
WHEN / THEN."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from moto import mock_aws

from functions.users import (
    credentials,
    delete,
    mfa,
    mfa_activate,
    mfa_disable,
    mfa_enroll,
    mfa_verify,
    validate_credentials,
)
from functions.users.records import Factor
from shared import sealed
from shared.config import settings
from stratus.provision import create_data_key
from tests.unit.functions.users.support import (
    PASSWORD,
    TENANT,
    admin,
    api,
    as_user,
    body,
    internal,
    new_user,
    table,
)

# Real time (the lockout items expire by it), 5 s into a TOTP step.
NOW = float(int(time.time()) // 30 * 30 + 5)


@pytest.fixture(autouse=True)
def kms_key() -> Iterator[None]:
    """KMS under moto, with the deployment's data key (the only AWS service these tests use)."""
    with mock_aws():
        create_data_key()
        yield


def stored_factor(user_id: str) -> Factor | None:
    return table().factors.get((TENANT, user_id))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [NOW]
    monkeypatch.setattr(credentials, "clock", lambda: now[0])
    return now


def _enrolled(email: str = "alice@acme.example") -> tuple[dict[str, Any], pyotp.TOTP, list[str]]:
    """A user with MFA active: (the user, its TOTP, its recovery codes)."""
    user = new_user(email)
    me = as_user(user["userId"])
    enrolled = api(mfa_enroll, me, path="/api/v1/auth/mfa/enroll")
    assert enrolled["statusCode"] == 200, enrolled["body"]
    totp = pyotp.TOTP(body(enrolled)["data"]["secret"])
    code = totp.at(credentials.clock())
    activated = api(mfa_activate, me, path="/api/v1/auth/mfa/activate", payload={"code": code})
    assert activated["statusCode"] == 200, activated["body"]
    return user, totp, body(activated)["data"]["recoveryCodes"]


def _login(email: str = "alice@acme.example", source: str = "203.0.113.9") -> dict[str, Any]:
    return internal(
        validate_credentials,
        path="/internal/users/validate-credentials",
        payload={"email": email, "password": PASSWORD, "tenantId": TENANT, "source": source},
    )


def _mfa_token(email: str = "alice@acme.example") -> str:
    refused = _login(email)
    assert refused["statusCode"] == 401
    error = body(refused)["error"]
    assert error["code"] == "MFA_REQUIRED"
    token: str = error["details"]["mfaToken"]
    return token


def _verify(token: str, code: str, source: str = "203.0.113.9") -> dict[str, Any]:
    return internal(
        mfa_verify,
        path="/internal/users/mfa/verify",
        payload={"mfaToken": token, "code": code, "source": source},
    )


def test_enrolment_seals_the_secret_with_a_kms_data_key_and_activation_hands_out_recovery_codes(
    clock: list[float], published: list[Any]
) -> None:
    # GIVEN a user WHEN it enrols and activates with a code from its app
    user, totp, codes = _enrolled()
    # THEN 10 single-use recovery codes come back, and the item holds no secret in clear
    assert len(codes) == 10
    assert len(set(codes)) == 10
    factor = stored_factor(user["userId"])
    assert factor is not None
    assert factor.secret is not None
    assert totp.secret not in repr(factor)
    assert factor.secret.startswith("v1.")
    assert all(c.replace("-", "") not in repr(factor) for c in codes)
    context = {"tenantId": TENANT, "userId": user["userId"], "purpose": "mfa-totp"}
    assert sealed.unseal(factor.secret, context=context).decode() == totp.secret
    assert [e.type for e in published][-1] == "user.mfa_enabled"


def test_a_sealed_secret_does_not_open_for_another_user() -> None:
    token = sealed.seal(b"JBSWY3DPEHPK3PXP", context={"tenantId": TENANT, "userId": "u_1", "purpose": "x"})
    with pytest.raises(sealed.SealBroken):
        sealed.unseal(token, context={"tenantId": TENANT, "userId": "u_2", "purpose": "x"})


def test_with_mfa_the_right_password_answers_mfa_required_and_the_code_completes_it(
    clock: list[float],
) -> None:
    user, totp, _ = _enrolled()
    clock[0] += 30
    token = _mfa_token()
    done = _verify(token, totp.at(clock[0]))
    assert done["statusCode"] == 200, done["body"]
    assert body(done)["data"]["userId"] == user["userId"]


def test_a_code_replayed_within_its_window_is_refused(clock: list[float]) -> None:
    # GIVEN a code that just logged the user in
    _, totp, _ = _enrolled()
    clock[0] += 30
    code = totp.at(clock[0])
    assert _verify(_mfa_token(), code)["statusCode"] == 200
    # WHEN the same code is sent again, still inside its 30 s
    clock[0] += 5
    replay = _verify(_mfa_token(), code)
    # THEN it is refused
    assert replay["statusCode"] == 401
    assert body(replay)["error"]["code"] == "INVALID_CREDENTIALS"


def test_wrong_codes_lock_the_source_out_like_wrong_passwords(clock: list[float]) -> None:
    _, totp, _ = _enrolled()
    token = _mfa_token()
    answers = [_verify(token, "000000" if totp.at(clock[0]) != "000000" else "111111") for _ in range(6)]
    assert [a["statusCode"] for a in answers[:5]] == [401] * 5
    assert answers[5]["statusCode"] == 423
    assert body(answers[5])["error"]["code"] == "ACCOUNT_LOCKED"
    # even the right code from that source is refused while it is locked
    clock[0] += 30
    assert _verify(token, totp.at(clock[0]))["statusCode"] == 423
    # another source is not locked out
    assert _verify(token, totp.at(clock[0]), source="198.51.100.7")["statusCode"] == 200


def test_a_recovery_code_works_once(clock: list[float]) -> None:
    _, _, codes = _enrolled()
    assert _verify(_mfa_token(), codes[0].upper())["statusCode"] == 200
    again = _verify(_mfa_token(), codes[0])
    assert again["statusCode"] == 401
    assert _verify(_mfa_token(), codes[1])["statusCode"] == 200


def test_an_mfa_token_works_once(clock: list[float]) -> None:
    _, _totp, codes = _enrolled()
    token = _mfa_token()
    assert _verify(token, codes[0])["statusCode"] == 200
    reused = _verify(token, codes[1])
    assert reused["statusCode"] == 401
    assert body(reused)["error"]["code"] == "INVALID_TOKEN"


def test_an_mfa_token_expires_after_five_minutes(clock: list[float]) -> None:
    _, totp, _ = _enrolled()
    token = _mfa_token()
    clock[0] += mfa.CHALLENGE_SECONDS + 1
    expired = _verify(token, totp.at(clock[0]))
    assert expired["statusCode"] == 401
    assert body(expired)["error"]["code"] == "INVALID_TOKEN"


def test_another_users_token_with_my_code_or_a_forged_tenant_is_refused(clock: list[float]) -> None:
    _, alice_totp, _ = _enrolled("alice@acme.example")
    _, bob_totp, _ = _enrolled("bob@acme.example")
    bobs_token = _mfa_token("bob@acme.example")
    # alice's code on bob's token: checked against bob's secret → wrong code
    assert alice_totp.at(clock[0]) != bob_totp.at(clock[0])
    assert _verify(bobs_token, alice_totp.at(clock[0]))["statusCode"] == 401
    # the token moved to another tenant: no such challenge there
    forged = "globex." + bobs_token.split(".", 1)[1]
    answer = _verify(forged, bob_totp.at(clock[0]))
    assert answer["statusCode"] == 401
    assert body(answer)["error"]["code"] == "INVALID_TOKEN"


def test_disable_needs_a_valid_code_and_then_login_needs_only_the_password(
    clock: list[float], published: list[Any]
) -> None:
    user, totp, _ = _enrolled()
    me = as_user(user["userId"])
    wrong = api(mfa_disable, me, path="/api/v1/auth/mfa/disable", payload={"code": "123456"})
    assert wrong["statusCode"] in (400, 401)
    clock[0] += 30
    ok = api(mfa_disable, me, path="/api/v1/auth/mfa/disable", payload={"code": totp.at(clock[0])})
    assert ok["statusCode"] == 204, ok["body"]
    assert published[-1].type == "user.mfa_disabled"
    assert _login()["statusCode"] == 200


def test_activation_with_a_wrong_code_is_400_and_enrolling_twice_while_active_is_409(
    clock: list[float],
) -> None:
    user = new_user("carol@acme.example")
    me = as_user(user["userId"])
    assert api(mfa_enroll, me, path="/api/v1/auth/mfa/enroll")["statusCode"] == 200
    wrong = api(mfa_activate, me, path="/api/v1/auth/mfa/activate", payload={"code": "000000"})
    assert wrong["statusCode"] == 400
    dave, _, _ = _enrolled("dave@acme.example")
    again = api(mfa_enroll, as_user(dave["userId"]), path="/api/v1/auth/mfa/enroll")
    assert again["statusCode"] == 409


@pytest.mark.parametrize(
    "payload",
    [{}, {"code": ""}, {"code": 123456}, {"code": "x" * 100}, {"code": "12345\u0000"}, {"code": None}],
)
def test_bad_bodies_are_400_never_500(payload: dict[str, Any]) -> None:
    user = new_user("eve@acme.example")
    answer = api(mfa_activate, as_user(user["userId"]), path="/api/v1/auth/mfa/activate", payload=payload)
    assert answer["statusCode"] == 400


def test_deleting_a_user_removes_its_factor(clock: list[float]) -> None:
    user, _, _ = _enrolled()
    answer = api(
        delete, admin(), path=f"/api/v1/users/{user['userId']}", path_params={"userId": user["userId"]}
    )
    assert answer["statusCode"] == 204, answer["body"]
    assert stored_factor(user["userId"]) is None


def test_the_data_key_alias_is_the_deployments() -> None:
    assert sealed.key_alias() == f"alias/{settings().resource_prefix}-data"
