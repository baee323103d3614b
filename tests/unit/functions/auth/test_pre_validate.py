"""pre-validate: a sign-up's email is normalized, a bad email or a weak password is 400 naming the field."""

from __future__ import annotations

import pytest

from functions.auth import pre_validate
from tests.unit.functions.auth.conftest import body, call, error_of


def test_a_good_email_is_accepted_trimmed_and_lower_cased() -> None:
    # GIVEN a sign-up with a mixed-case, padded email and a strong password
    payload = {"email": "  Jane.Doe@Acme-Corp.COM ", "tenantId": "acme-corp", "password": "correct1horse"}
    # WHEN the gateway pre-validates it
    result = call(pre_validate, payload)
    # THEN it is accepted, with the email in its stored form and the tenant echoed
    assert result["statusCode"] == 200
    assert body(result)["data"] == {"email": "jane.doe@acme-corp.com", "tenantId": "acme-corp"}


def test_the_password_is_optional() -> None:
    result = call(pre_validate, {"email": "a.b+tag@example.co.uk", "tenantId": "acme-corp"})
    assert result["statusCode"] == 200
    assert body(result)["data"]["email"] == "a.b+tag@example.co.uk"


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "jane@",
        "@acme.com",
        "jane@acme",
        "jane..doe@acme.com",
        ".jane@acme.com",
        "jane.@acme.com",
        "jane doe@acme.com",
        "jane@acme..com",
        "jane@-acme.com",
        "jane@acme.123",
        "jane@@acme.com",
        "jane@acme.com\x00",
        "<script>@acme.com",
        "",
        f"{'a' * 65}@acme.com",
        f"jane@{'a' * 250}.com",
    ],
)
def test_a_bad_email_is_400_invalid_request_on_email(email: str) -> None:
    # GIVEN a malformed email  WHEN pre-validated
    result = call(pre_validate, {"email": email, "tenantId": "acme-corp", "password": "correct1horse"})
    # THEN 400 INVALID_REQUEST naming the email field
    assert result["statusCode"] == 400
    assert error_of(result)["code"] == "INVALID_REQUEST"
    assert error_of(result)["field"] == "email"


@pytest.mark.parametrize("password", ["short1", "onlyletterslong", "123456789012", "a1" * 65])
def test_a_weak_password_is_400_invalid_request_on_password(password: str) -> None:
    # GIVEN a good email but a password that breaks the rule  WHEN pre-validated
    result = call(pre_validate, {"email": "jane@acme.com", "tenantId": "acme-corp", "password": password})
    # THEN 400 INVALID_REQUEST naming the password field
    assert result["statusCode"] == 400
    assert error_of(result)["code"] == "INVALID_REQUEST"
    assert error_of(result)["field"] == "password"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "jane@acme.com", "tenantId": "Acme#Corp"}, "tenantId"),
        ({"email": "jane@acme.com"}, "tenantId"),
        ({"tenantId": "acme-corp"}, "email"),
        ({"email": "jane@acme.com", "tenantId": "acme-corp", "admin": True}, "admin"),
        ({"email": 42, "tenantId": "acme-corp"}, "email"),
    ],
)
def test_tampered_or_missing_fields_are_400(payload: dict[str, object], field: str) -> None:
    result = call(pre_validate, payload)
    assert result["statusCode"] == 400
    assert error_of(result)["field"] == field


def test_malformed_json_is_400_not_500() -> None:
    result = call(pre_validate, '{"email": ')
    assert result["statusCode"] == 400
    assert error_of(result)["code"] == "INVALID_REQUEST"
