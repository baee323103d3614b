"""Seed 000's error codes plus Stratus's few additions, each with one status and retryable flag, each
raisable."""

from __future__ import annotations

import pytest

from shared import errors
from shared.errors import SPECS, ErrorCode, StratusError, error_for

SEED_000_CODES = """
INTERNAL_ERROR INVALID_REQUEST UNAUTHORIZED FORBIDDEN NOT_FOUND RATE_LIMITED SERVICE_UNAVAILABLE TIMEOUT
INVALID_TOKEN TOKEN_EXPIRED INVALID_CREDENTIALS ACCOUNT_LOCKED MFA_REQUIRED
USER_NOT_FOUND USER_ALREADY_EXISTS USER_INACTIVE USER_SUSPENDED
PERMISSION_DENIED ROLE_NOT_FOUND INSUFFICIENT_PERMISSIONS
TENANT_NOT_FOUND TENANT_QUOTA_EXCEEDED TENANT_SUSPENDED
FILE_NOT_FOUND FILE_TOO_LARGE INVALID_FILE_TYPE STORAGE_QUOTA_EXCEEDED
CACHE_MISS CACHE_UNAVAILABLE QUEUE_FULL QUEUE_UNAVAILABLE MESSAGE_PROCESSING_FAILED
""".split()


# Statuses seed 000 has no code for; each addition is documented in docs/architecture.md.
STRATUS_ADDITIONS = {
    "PAYLOAD_TOO_LARGE",
    "UNSUPPORTED_MEDIA_TYPE",
    "METHOD_NOT_ALLOWED",
    "CONFLICT",
    "TENANT_ALREADY_EXISTS",
    "MFA_ENROLLMENT_REQUIRED",
}


def test_the_enum_is_seed_000s_plus_the_documented_additions() -> None:
    codes = [c.value for c in ErrorCode]
    assert [c for c in codes if c in SEED_000_CODES] == SEED_000_CODES
    assert set(codes) - set(SEED_000_CODES) == STRATUS_ADDITIONS


def test_every_status_names_its_own_code_but_for_400_and_the_seeds_shared_ones() -> None:
    # A 409 says CONFLICT (or what conflicts), a 413 PAYLOAD_TOO_LARGE or FILE_TOO_LARGE, never
    # INVALID_REQUEST
    assert {code for code, spec in SPECS.items() if spec.status == 400} == {ErrorCode.INVALID_REQUEST}


def test_every_code_has_one_spec_and_one_exception_class() -> None:
    assert set(SPECS) == set(ErrorCode)
    for code in ErrorCode:
        raised = error_for(code, "m")
        assert raised.code is code
        assert raised.status == SPECS[code].status


@pytest.mark.parametrize(
    ("cls", "status", "retryable"),
    [
        (errors.InvalidRequest, 400, False),
        (errors.InvalidToken, 401, False),
        (errors.PermissionDenied, 403, False),
        (errors.TenantNotFound, 404, False),
        (errors.UserAlreadyExists, 409, False),
        (errors.FileTooLarge, 413, False),
        (errors.InvalidFileType, 415, False),
        (errors.AccountLocked, 423, False),
        (errors.RateLimited, 429, True),
        (errors.InternalError, 500, True),
        (errors.ServiceUnavailable, 503, True),
        (errors.Timeout, 504, True),
    ],
)
def test_statuses_and_retryability_that_api_md_promises(
    cls: type[StratusError], status: int, retryable: bool
) -> None:
    assert cls().status == status
    assert cls().retryable is retryable


@pytest.mark.parametrize(
    ("cls", "code", "status"),
    [
        (errors.PayloadTooLarge, "PAYLOAD_TOO_LARGE", 413),
        (errors.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", 415),
        (errors.MethodNotAllowed, "METHOD_NOT_ALLOWED", 405),
        (errors.Conflict, "CONFLICT", 409),
        (errors.TenantAlreadyExists, "TENANT_ALREADY_EXISTS", 409),
    ],
)
def test_the_additions_carry_their_own_code_and_survive_the_wire(
    cls: type[StratusError], code: str, status: int
) -> None:
    exc = cls()
    assert (exc.code, exc.status, exc.retryable) == (code, status, False)
    assert type(error_for(code, "x")) is cls
    assert isinstance(exc, errors.InvalidRequest)  # still a client mistake to whoever catches the kind


def test_an_unknown_code_from_the_wire_becomes_internal_error() -> None:
    assert isinstance(error_for("NOT_A_CODE", "x"), errors.InternalError)


def test_specific_errors_are_caught_by_their_general_kind() -> None:
    with pytest.raises(errors.NotFound):
        raise errors.UserNotFound()
    with pytest.raises(errors.Forbidden):
        raise errors.TenantSuspended()


def test_the_documented_error_table_matches_the_code() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "architecture.md").read_text()
    for code, spec in SPECS.items():
        assert f"| `{code}` | {spec.status} | {'yes' if spec.retryable else 'no'} |" in doc
