"""Seed 000's `ServiceErrorCodes`, each with one HTTP status and a `retryable` flag, and one exception
hierarchy to raise them. Errors become envelopes in exactly one place: `shared.http_app`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, NamedTuple

from shared.config import settings


class ErrorCode(StrEnum):
    # general (1000-1999)
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_REQUEST = "INVALID_REQUEST"
    # Stratus additions: statuses seed 000 has no code for, which a client must tell apart
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    TIMEOUT = "TIMEOUT"
    # authentication (2000-2099)
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    MFA_REQUIRED = "MFA_REQUIRED"
    # Stratus addition: a tenant that requires MFA for its admins refuses an admin without it (403)
    MFA_ENROLLMENT_REQUIRED = "MFA_ENROLLMENT_REQUIRED"
    # users (2100-2199)
    USER_NOT_FOUND = "USER_NOT_FOUND"
    USER_ALREADY_EXISTS = "USER_ALREADY_EXISTS"
    USER_INACTIVE = "USER_INACTIVE"
    USER_SUSPENDED = "USER_SUSPENDED"
    # permissions (2200-2299)
    PERMISSION_DENIED = "PERMISSION_DENIED"
    ROLE_NOT_FOUND = "ROLE_NOT_FOUND"
    INSUFFICIENT_PERMISSIONS = "INSUFFICIENT_PERMISSIONS"
    # tenants (2300-2399)
    TENANT_NOT_FOUND = "TENANT_NOT_FOUND"
    TENANT_QUOTA_EXCEEDED = "TENANT_QUOTA_EXCEEDED"
    TENANT_SUSPENDED = "TENANT_SUSPENDED"
    TENANT_ALREADY_EXISTS = "TENANT_ALREADY_EXISTS"
    # files (2400-2499)
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    INVALID_FILE_TYPE = "INVALID_FILE_TYPE"
    STORAGE_QUOTA_EXCEEDED = "STORAGE_QUOTA_EXCEEDED"
    # cache (2500-2599)
    CACHE_MISS = "CACHE_MISS"
    CACHE_UNAVAILABLE = "CACHE_UNAVAILABLE"
    # queues (2600-2699)
    QUEUE_FULL = "QUEUE_FULL"
    QUEUE_UNAVAILABLE = "QUEUE_UNAVAILABLE"
    MESSAGE_PROCESSING_FAILED = "MESSAGE_PROCESSING_FAILED"


class Spec(NamedTuple):
    status: int
    retryable: bool


# The one table that maps a code to its HTTP status and whether a caller may retry it.
SPECS: dict[ErrorCode, Spec] = {
    ErrorCode.INTERNAL_ERROR: Spec(500, True),
    ErrorCode.INVALID_REQUEST: Spec(400, False),
    ErrorCode.PAYLOAD_TOO_LARGE: Spec(413, False),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: Spec(415, False),
    ErrorCode.METHOD_NOT_ALLOWED: Spec(405, False),
    ErrorCode.CONFLICT: Spec(409, False),
    ErrorCode.UNAUTHORIZED: Spec(401, False),
    ErrorCode.FORBIDDEN: Spec(403, False),
    ErrorCode.NOT_FOUND: Spec(404, False),
    ErrorCode.RATE_LIMITED: Spec(429, True),
    ErrorCode.SERVICE_UNAVAILABLE: Spec(503, True),
    ErrorCode.TIMEOUT: Spec(504, True),
    ErrorCode.INVALID_TOKEN: Spec(401, False),
    ErrorCode.TOKEN_EXPIRED: Spec(401, False),
    ErrorCode.INVALID_CREDENTIALS: Spec(401, False),
    ErrorCode.ACCOUNT_LOCKED: Spec(423, False),
    ErrorCode.MFA_REQUIRED: Spec(401, False),
    ErrorCode.MFA_ENROLLMENT_REQUIRED: Spec(403, False),
    ErrorCode.USER_NOT_FOUND: Spec(404, False),
    ErrorCode.USER_ALREADY_EXISTS: Spec(409, False),
    ErrorCode.USER_INACTIVE: Spec(403, False),
    ErrorCode.USER_SUSPENDED: Spec(403, False),
    ErrorCode.PERMISSION_DENIED: Spec(403, False),
    ErrorCode.ROLE_NOT_FOUND: Spec(404, False),
    ErrorCode.INSUFFICIENT_PERMISSIONS: Spec(403, False),
    ErrorCode.TENANT_NOT_FOUND: Spec(404, False),
    ErrorCode.TENANT_QUOTA_EXCEEDED: Spec(403, False),
    ErrorCode.TENANT_SUSPENDED: Spec(403, False),
    ErrorCode.TENANT_ALREADY_EXISTS: Spec(409, False),
    ErrorCode.FILE_NOT_FOUND: Spec(404, False),
    ErrorCode.FILE_TOO_LARGE: Spec(413, False),
    ErrorCode.INVALID_FILE_TYPE: Spec(415, False),
    ErrorCode.STORAGE_QUOTA_EXCEEDED: Spec(403, False),
    ErrorCode.CACHE_MISS: Spec(404, False),
    ErrorCode.CACHE_UNAVAILABLE: Spec(503, True),
    ErrorCode.QUEUE_FULL: Spec(503, True),
    ErrorCode.QUEUE_UNAVAILABLE: Spec(503, True),
    ErrorCode.MESSAGE_PROCESSING_FAILED: Spec(500, True),
}


class StratusError(Exception):
    """Base of every error a function raises on purpose. Subclasses pick the code."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL_ERROR
    default_message: ClassVar[str] = "Internal error"

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.field = field
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return SPECS[self.code].status

    @property
    def retryable(self) -> bool:
        return SPECS[self.code].retryable


def error_for(code: ErrorCode | str, message: str, **kwargs: Any) -> StratusError:
    """Rebuild a typed error from a code that crossed a wire (the service client uses it): each code has
    one status, so the code alone names the class."""
    try:
        known = ErrorCode(code)
    except ValueError:
        return InternalError(message, **kwargs)
    return _BY_CODE[known](message, **kwargs)


# --- general -----------------------------------------------------------------------------------------
class InternalError(StratusError):
    code = ErrorCode.INTERNAL_ERROR


class InvalidRequest(StratusError):
    code = ErrorCode.INVALID_REQUEST
    default_message = "The request is not valid"


class PayloadTooLarge(InvalidRequest):
    code = ErrorCode.PAYLOAD_TOO_LARGE
    default_message = "The request body is too large"


class UnsupportedMediaType(InvalidRequest):
    """A body in a format the API does not speak (it speaks JSON in UTF-8)."""

    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE
    default_message = "The request body must be JSON"


class MethodNotAllowed(InvalidRequest):
    """The path exists, not with this method; `Allow` lists the methods it has."""

    code = ErrorCode.METHOD_NOT_ALLOWED
    default_message = "This method is not allowed on this path"


class Conflict(InvalidRequest):
    """A create that names something already taken (seed 000 has a 409 code only for users)."""

    code = ErrorCode.CONFLICT
    default_message = "It already exists"


def check_body_size(size: int) -> None:
    """The one body-size rule every entry point applies (gateway, WSGI, each function)."""
    limit = settings().max_body_bytes
    if size > limit:
        raise PayloadTooLarge(details={"maxBytes": limit, "bytes": size})


class Unauthorized(StratusError):
    code = ErrorCode.UNAUTHORIZED
    default_message = "Authentication is required"


class Forbidden(StratusError):
    code = ErrorCode.FORBIDDEN
    default_message = "Forbidden"


class NotFound(StratusError):
    code = ErrorCode.NOT_FOUND
    default_message = "Not found"


class RateLimited(StratusError):
    code = ErrorCode.RATE_LIMITED
    default_message = "Too many requests"


class ServiceUnavailable(StratusError):
    code = ErrorCode.SERVICE_UNAVAILABLE
    default_message = "A service this request needs is unavailable"


class Timeout(StratusError):
    code = ErrorCode.TIMEOUT
    default_message = "A service this request needs did not answer in time"


# --- authentication ----------------------------------------------------------------------------------
class InvalidToken(Unauthorized):
    code = ErrorCode.INVALID_TOKEN
    default_message = "The token is missing or invalid"


class TokenExpired(Unauthorized):
    code = ErrorCode.TOKEN_EXPIRED
    default_message = "The token has expired"


class InvalidCredentials(Unauthorized):
    code = ErrorCode.INVALID_CREDENTIALS
    default_message = "Invalid email or password"


class MfaRequired(Unauthorized):
    code = ErrorCode.MFA_REQUIRED
    default_message = "Multi-factor authentication is required"


class MfaEnrollmentRequired(Forbidden):
    code = ErrorCode.MFA_ENROLLMENT_REQUIRED
    default_message = "This tenant requires multi-factor authentication for administrators: enroll first"


class AccountLocked(StratusError):
    code = ErrorCode.ACCOUNT_LOCKED
    default_message = "The account is locked after repeated failures"


# --- users -------------------------------------------------------------------------------------------
class UserNotFound(NotFound):
    code = ErrorCode.USER_NOT_FOUND
    default_message = "User not found"


class UserAlreadyExists(StratusError):
    code = ErrorCode.USER_ALREADY_EXISTS
    default_message = "A user with this email already exists in the tenant"


class UserInactive(Forbidden):
    code = ErrorCode.USER_INACTIVE
    default_message = "The user is not active"


class UserSuspended(Forbidden):
    code = ErrorCode.USER_SUSPENDED
    default_message = "The user is suspended"


# --- permissions -------------------------------------------------------------------------------------
class PermissionDenied(Forbidden):
    code = ErrorCode.PERMISSION_DENIED
    default_message = "Permission denied"


class InsufficientPermissions(Forbidden):
    code = ErrorCode.INSUFFICIENT_PERMISSIONS
    default_message = "Insufficient permissions"


class RoleNotFound(NotFound):
    code = ErrorCode.ROLE_NOT_FOUND
    default_message = "Role not found"


# --- tenants -----------------------------------------------------------------------------------------
class TenantNotFound(NotFound):
    code = ErrorCode.TENANT_NOT_FOUND
    default_message = "Tenant not found"


class TenantQuotaExceeded(Forbidden):
    code = ErrorCode.TENANT_QUOTA_EXCEEDED
    default_message = "The tenant's quota is exceeded"


class TenantAlreadyExists(Conflict):
    code = ErrorCode.TENANT_ALREADY_EXISTS
    default_message = "This tenant id is taken"


class TenantSuspended(Forbidden):
    code = ErrorCode.TENANT_SUSPENDED
    default_message = "The tenant is suspended"


# --- files -------------------------------------------------------------------------------------------
class FileNotFound(NotFound):
    code = ErrorCode.FILE_NOT_FOUND
    default_message = "File not found"


class FileTooLarge(StratusError):
    code = ErrorCode.FILE_TOO_LARGE
    default_message = "The file is too large"


class InvalidFileType(StratusError):
    code = ErrorCode.INVALID_FILE_TYPE
    default_message = "This file type is not allowed"


class StorageQuotaExceeded(Forbidden):
    code = ErrorCode.STORAGE_QUOTA_EXCEEDED
    default_message = "The tenant's storage quota is exceeded"


# --- cache and queues --------------------------------------------------------------------------------
class CacheMiss(NotFound):
    code = ErrorCode.CACHE_MISS
    default_message = "Not in the cache"


class CacheUnavailable(ServiceUnavailable):
    code = ErrorCode.CACHE_UNAVAILABLE
    default_message = "The cache is unavailable"


class QueueFull(ServiceUnavailable):
    code = ErrorCode.QUEUE_FULL
    default_message = "The queue is full"


class QueueUnavailable(ServiceUnavailable):
    code = ErrorCode.QUEUE_UNAVAILABLE
    default_message = "The queue is unavailable"


class MessageProcessingFailed(StratusError):
    code = ErrorCode.MESSAGE_PROCESSING_FAILED
    default_message = "The message could not be processed"


def _all_subclasses(cls: type[StratusError]) -> list[type[StratusError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _all_subclasses(child))]


# The most general class per code (a subclass that keeps its parent's code is not the canonical one).
_BY_CODE: dict[ErrorCode, type[StratusError]] = {}
for _cls in _all_subclasses(StratusError)[1:]:
    _BY_CODE.setdefault(_cls.code, _cls)
