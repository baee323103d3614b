"""Password hashing (argon2id with OWASP's parameters) and the password rule every service applies.

argon2 (and cffi behind it) is loaded by the first hash or verification, not by the rule: a function that
only checks a password's strength (auth's pre-validation, every auth handler importing its service)
never loads it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from shared.errors import InvalidRequest

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH, MAX_LENGTH = 10, 128


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    # OWASP (2023+): argon2id, m=19 MiB, t=2, p=1.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)


@cache
def _decoy() -> str:
    return _hasher().hash("decoy-password-for-unknown-users")


def check_strength(password: str, field: str = "password") -> None:
    """At least 10 characters, at most 128, with a letter and a digit."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidRequest(f"The password must be {MIN_LENGTH} to {MAX_LENGTH} characters", field=field)
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise InvalidRequest("The password needs at least one letter and one digit", field=field)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(hashed: str | None, password: str) -> bool:
    """True if `password` matches. With no hash (unknown user) it still spends a verification's time,
    so that an unknown email and a wrong password take about as long."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(hashed or _decoy(), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    return _hasher().check_needs_rehash(hashed)
