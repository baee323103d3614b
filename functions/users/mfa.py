"""TOTP multi-factor authentication (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of drift either way).

- enrol: a random 160-bit secret, sealed at rest with a KMS data key (shared.sealed), pending until the
  user proves it with a code (activate), which also hands out 10 single-use recovery codes, stored only
  as sha256 (they are 50 random bits each: a slow hash buys nothing a lockout does not).
- login: once MFA is active, the right password is not enough: validate-credentials answers 401
  `MFA_REQUIRED` with an `mfaToken` (5 minutes, single use), and the gateway's `POST /auth/mfa/verify`
  trades it and a code for the tokens.
- each TOTP code works once: the last accepted time-step is kept, and a code is accepted only for a later
  step (a replay, even within its 30 s, is refused).
- wrong codes count towards the same per-(account, source) lockout as wrong passwords
  (functions/users/credentials.py): five from one source lock that source out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pyotp

from functions.users import credentials, effects, ports
from functions.users.mfa_models import (
    MfaChallenge,
    MfaEnrollment,
    MfaVerification,
    MfaVerifiedUser,
    RecoveryCodes,
)
from functions.users.reads import find
from functions.users.records import Challenge, UserRecord
from shared import sealed
from shared.envelopes import utc_now_iso
from shared.errors import (
    AccountLocked,
    Conflict,
    InvalidCredentials,
    InvalidRequest,
    InvalidToken,
    MfaRequired,
    UserSuspended,
)

ISSUER = "Stratus"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # pyotp's valid_window=1: the previous, current and next step
CHALLENGE_SECONDS = 5 * 60
RECOVERY_CODES = 10
_DIGITS = re.compile(r"^[0-9]{6}$")
_RECOVERY = re.compile(r"^[a-z2-7]{10}$")


def _context(tenant_id: str, user_id: str) -> dict[str, str]:
    return {"tenantId": tenant_id, "userId": user_id, "purpose": "mfa-totp"}


def _now() -> float:
    return credentials.clock()  # the tests' clock moves both passwords' lockouts and TOTP time


def _secret_of(tenant_id: str, user_id: str, sealed_secret: str) -> str:
    return sealed.unseal(sealed_secret, context=_context(tenant_id, user_id)).decode()


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time-step (within the drift) whose code this is, or None."""
    if not _DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_hash(code: str) -> str | None:
    normalized = code.replace("-", "").replace(" ", "").lower()
    if not _RECOVERY.fullmatch(normalized):
        return None
    return hashlib.sha256(normalized.encode()).hexdigest()


def _new_recovery_codes() -> list[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


# --- enrolment -----------------------------------------------------------------------------------------
def enroll(tenant_id: str, user_id: str) -> MfaEnrollment:
    user = find(tenant_id, user_id)
    secret = pyotp.random_base32(32)
    if not ports.factors().put_pending(
        tenant_id,
        user_id,
        sealed.seal(secret.encode(), context=_context(tenant_id, user_id)),
        now=utc_now_iso(),
    ):
        raise Conflict("MFA is already active: disable it before enrolling again", field="mfa")
    url = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=f"{ISSUER} ({tenant_id})"
    )
    return MfaEnrollment(secret=secret, otpauth_url=url)


def activate(tenant_id: str, user_id: str, code: str) -> RecoveryCodes:
    user = find(tenant_id, user_id)
    factor = ports.factors().get(tenant_id, user_id)
    if factor is None or factor.status != "pending" or factor.pending_secret is None:
        if factor is not None and factor.status == "active":
            raise Conflict("MFA is already active", field="mfa")
        raise Conflict("Enroll first: POST /api/v1/auth/mfa/enroll", field="mfa")
    step = _matching_step(_secret_of(tenant_id, user_id, factor.pending_secret), code, _now())
    if step is None:
        raise InvalidRequest("The code is not valid for the enrolled secret", field="code")
    codes = _new_recovery_codes()
    hashes = [h for h in (_recovery_hash(c) for c in codes) if h]
    now = utc_now_iso()
    enabled = effects.event(
        "user.mfa_enabled",
        {"userId": user_id, "email": user.email, "recoveryCodes": len(codes), "enabledAt": now},
        tenant_id=tenant_id,
    )
    if not ports.factors().activate(
        tenant_id,
        user_id,
        pending_secret=factor.pending_secret,
        step=step,
        recovery_hashes=hashes,
        now=now,
        events=[enabled],
    ):
        raise Conflict("The enrolment changed meanwhile; enroll again", field="mfa")
    effects.announce(enabled)
    return RecoveryCodes(recovery_codes=codes)


def activate_enrollment(mfa_token: str, code: str) -> RecoveryCodes:
    """The enrolment of an admin refused at login (403 MFA_ENROLLMENT_REQUIRED): the token stands in for
    the session, and is used up once MFA is active. The admin then logs in again, with MFA."""
    tenant_id, challenge = open_challenge(mfa_token, "enroll")
    codes = activate(tenant_id, challenge.user_id, code)
    ports.challenges().consume(tenant_id, challenge, now=_now())
    return codes


def disable(tenant_id: str, user_id: str, code: str, *, source: str) -> None:
    """A valid code (TOTP or recovery) turns MFA off; wrong ones count towards this session's lockout."""
    user = find(tenant_id, user_id)
    factor = ports.factors().get(tenant_id, user_id)
    if factor is None or factor.status != "active":
        raise Conflict("MFA is not active", field="mfa")
    _check_code(user, code, source)
    disabled = effects.event(
        "user.mfa_disabled",
        {"userId": user_id, "email": user.email, "disabledAt": utc_now_iso()},
        tenant_id=tenant_id,
    )
    if not ports.factors().remove(tenant_id, user_id, events=[disabled]):
        raise Conflict("MFA is not active", field="mfa")
    effects.announce(disabled)


# --- login ---------------------------------------------------------------------------------------------
def is_active(tenant_id: str, user_id: str) -> bool:
    factor = ports.factors().get(tenant_id, user_id)
    return factor is not None and factor.status == "active"


def new_challenge(tenant_id: str, user_id: str, purpose: str) -> MfaChallenge:
    challenge_id, secret = secrets.token_hex(16), secrets.token_urlsafe(32)
    ports.challenges().put(
        tenant_id,
        Challenge(
            challenge_id=challenge_id,
            user_id=user_id,
            secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
            purpose=purpose,
            expires_at=int(_now()) + CHALLENGE_SECONDS,
        ),
    )
    return MfaChallenge(mfa_token=f"{tenant_id}.{challenge_id}.{secret}", expires_in=CHALLENGE_SECONDS)


def require_second_factor(tenant_id: str, user_id: str, *, active: bool | None = None) -> None:
    """Called once the password matched: a user with MFA on gets 401 MFA_REQUIRED and an mfaToken.
    `active`: whether MFA is on, when the caller read the factor already (sign_in_store)."""
    if is_active(tenant_id, user_id) if active is None else active:
        challenge = new_challenge(tenant_id, user_id, "login")
        raise MfaRequired(
            "Enter a code from your authenticator app (or a recovery code): POST /api/v1/auth/mfa/verify",
            details={"mfaToken": challenge.mfa_token, "expiresIn": challenge.expires_in},
        )


def open_challenge(mfa_token: str, purpose: str) -> tuple[str, Challenge]:
    """The tenant and the live challenge an mfaToken names; 401 INVALID_TOKEN otherwise (unknown, expired,
    used, tampered, or made for another purpose)."""
    tenant_id, _, rest = mfa_token.partition(".")
    challenge_id, _, secret = rest.partition(".")
    try:
        challenge = (
            ports.challenges().get(tenant_id, challenge_id, now=_now())
            if tenant_id and challenge_id
            else None
        )
    except ValueError:  # not a tenant id (shared.tables.tenant_key)
        challenge = None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if (
        challenge is None
        or not hmac.compare_digest(challenge.secret_hash, digest)
        or challenge.purpose != purpose
    ):
        raise InvalidToken("The MFA token is not valid (unknown, expired or already used)")
    return tenant_id, challenge


def verify(body: MfaVerification) -> MfaVerifiedUser:
    tenant_id, challenge = open_challenge(body.mfa_token, "login")
    user = find(tenant_id, challenge.user_id)
    _check_code(user, body.code, body.source or credentials.UNKNOWN_SOURCE)
    if not ports.challenges().consume(tenant_id, challenge, now=_now()):
        raise InvalidToken("The MFA token is not valid (unknown, expired or already used)")
    if user.status == "suspended":
        raise UserSuspended()
    return MfaVerifiedUser(
        tenant_id=tenant_id, user_id=user.user_id, email=user.email, status=user.status, profile=user.profile
    )


# --- codes and lockout -----------------------------------------------------------------------------------
def _check_code(user: UserRecord, code: str, source: str) -> None:
    """A TOTP code for a step later than the last accepted one, or an unused recovery code; else 401, and
    the failure counts towards this source's lockout (as a wrong password does)."""
    lockout = ports.lockouts().get(user.tenant_id, user.user_id, source)
    retry_after = lockout.retry_after(_now())
    if retry_after is not None:
        raise AccountLocked(details={"retryAfter": retry_after}, headers={"Retry-After": str(retry_after)})
    if _accepted(user, code):
        if lockout.failures or lockout.locks:
            ports.lockouts().clear(user.tenant_id, user.user_id, source)
        return
    _count_failure(user, source)
    raise InvalidCredentials("The code is not valid")


def _accepted(user: UserRecord, code: str) -> bool:
    factor = ports.factors().get(user.tenant_id, user.user_id)
    if factor is None or factor.status != "active" or factor.secret is None:
        return False
    step = _matching_step(_secret_of(user.tenant_id, user.user_id, factor.secret), code, _now())
    if step is not None:
        return step > factor.last_step and ports.factors().accept_step(user.tenant_id, user.user_id, step)
    digest = _recovery_hash(code)
    return digest is not None and ports.factors().use_recovery_code(user.tenant_id, user.user_id, digest)


def _count_failure(user: UserRecord, source: str) -> None:
    now = int(_now())
    after = ports.lockouts().add_failure(
        user.tenant_id, user.user_id, source, expires_at=now + credentials.MEMORY_SECONDS
    )
    if after.failures >= credentials.MAX_FAILURES:
        duration = min(credentials.LOCK_SECONDS * 2**after.locks, credentials.MAX_LOCK_SECONDS)
        ports.lockouts().lock(
            user.tenant_id,
            user.user_id,
            source,
            until=now + duration,
            threshold=credentials.MAX_FAILURES,
            expires_at=now + duration + credentials.MEMORY_SECONDS,
        )
