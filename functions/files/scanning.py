"""Malware scanning, as far as the platform goes today: the EICAR test file.

EICAR's definition (eicar.org) is exact: the 68-byte string below at the very start of the file,
optionally followed by whitespace (space, tab, CR, LF, Ctrl-Z) only, the whole file at most 128 bytes.
So a scan never needs more than the first 128 bytes; completion hands us the head it read anyway while
hashing the object (`HEAD_BYTES`, a few KB, room for a real signature engine's needs later) and the real
size, and nothing here reads S3 itself. A real scanner (ClamAV in a layer, or GuardDuty Malware
Protection for S3) would replace `scan` and keep its signature: `None`, or the name of what matched.
"""

from __future__ import annotations

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "EICAR-Test-File"
EICAR_MAX_BYTES = 128
_WHITESPACE = b" \t\r\n\x1a"
# How much of an object's beginning completion keeps for the scan (it hashes the rest as it streams).
HEAD_BYTES = 4096


def scan(head: bytes, size: int) -> str | None:
    """The name of the signature `head` (the object's first bytes) matches, or None.

    `size` is the object's real size: an EICAR file is at most 128 bytes, so a larger object is not
    one even if it starts with the string (as antivirus products treat it, and as EICAR defines it)."""
    if size > EICAR_MAX_BYTES or not head.startswith(EICAR):
        return None
    if head[len(EICAR) : size].strip(_WHITESPACE):
        return None
    return EICAR_SIGNATURE
