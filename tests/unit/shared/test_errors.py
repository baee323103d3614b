"""Seed 000's error codes: exactly its enum, each with one status and retryable flag, each raisable."""

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


def test_the_enum_is_exactly_seed_000s() -> None:
    assert [c.value for c in ErrorCode] == SEED_000_CODES


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


def test_an_oversized_body_keeps_the_invalid_request_code_with_413() -> None:
    exc = errors.PayloadTooLarge()
    assert (exc.code, exc.status) == (ErrorCode.INVALID_REQUEST, 413)
    assert type(error_for("INVALID_REQUEST", "x")) is errors.InvalidRequest


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


def test_a_status_changing_error_survives_the_wire() -> None:
    assert type(error_for("INVALID_REQUEST", "taken", status=409)) is errors.Conflict
    assert type(error_for("INVALID_REQUEST", "big", status=413)) is errors.PayloadTooLarge
    assert type(error_for("INVALID_REQUEST", "bad", status=400)) is errors.InvalidRequest
