"""The one email rule every service applies: a strict syntax check and one normal form (trimmed,
lower-case), so `Jane@X.io ` and `jane@x.io` are one address. The regex accepts the subset of RFC 5322
that real mailboxes use (dotted atoms @ two or more DNS labels), which is also what the event catalog's
`format: email` accepts, so a published event never fails its schema on an address."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_LENGTH = 254  # RFC 5321's limit on a forward path
MAX_LOCAL_LENGTH = 64

_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_TLD = r"[a-z](?:[a-z0-9-]{0,61}[a-z0-9])"  # at least two characters, never all digits
# Dot-separated atoms (no leading, trailing or doubled dots) @ two or more DNS labels.
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_TLD}")


def normalize(raw: str) -> str:
    """The stored form of an email (trimmed, lower-case), or ValueError when it is not an address."""
    email = raw.strip().lower()
    local, _, _ = email.partition("@")
    if len(email) > MAX_LENGTH or len(local) > MAX_LOCAL_LENGTH or not _EMAIL.fullmatch(email):
        raise ValueError("not a valid email address")
    return email


# The same rule as a JSON Schema pattern, for the published documents, in either case. It publishes the
# address itself (`normalize` also trims whitespace around it). The local part's limit (64 characters)
# is left out: a pattern could say it only with a look-ahead, which test-data generators cannot use.
_ANY_CASE = "A-Za-z"
_ATOMS = rf"{_ATOM}(?:\.{_ATOM})*".replace("a-z", _ANY_CASE)
_DOMAIN = rf"(?:{_LABEL}\.)+{_TLD}".replace("a-z", _ANY_CASE)
PATTERN = rf"^{_ATOMS}@{_DOMAIN}$"
_SCHEMA = {"format": "email", "pattern": PATTERN, "maxLength": MAX_LENGTH}

Email = Annotated[
    str,
    Field(max_length=MAX_LENGTH + 64, json_schema_extra=_SCHEMA),
    AfterValidator(normalize),
]
