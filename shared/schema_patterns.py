"""Regular-expression pieces for the `pattern`s the OpenAPI document publishes, so that a pattern says
exactly what a Python validator checks. A JSON Schema pattern is read by other engines (ECMA-262 in
browsers, Rust in many validators), whose `\\s` and `\\d` are not Python's: the sets here are spelled out,
code point by code point, in an escape syntax that Python, Rust and ECMA-262 (`u` mode) all read.

They are constants rather than computed from `unicodedata` at import (a scan of every code point would
cost a cold start a third of a second); a unit test checks them against the running Python.
"""

from __future__ import annotations

# What `str.isspace()` (so `str.strip()`) calls whitespace.
WHITESPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

# Unicode categories Cc (control), Cf (format), Zl (line separator) and Zp (paragraph separator).
CONTROL_AND_FORMAT = (
    r"\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    r"\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    r"\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
