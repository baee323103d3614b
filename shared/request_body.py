"""What a request body must be before any handler sees it: JSON, in UTF-8, not nested deeper than a real
document ever is. Each failure is a client mistake (4xx, not retryable), never an exception that
reaches the error mapper as an internal error.

Powertools parses the body again after these checks; bodies are at most `max_body_bytes`, so the second
parse costs little next to the guarantee that no decoding error can surface as a 500.

One exception, declared per route (`HttpApp(..., form=True)`): a route whose protocol is form-encoded
(the OAuth token endpoint, RFC 6749 §4.1.3) also takes `application/x-www-form-urlencoded` in UTF-8. Every
other route still answers such a body 415.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import parse_qsl

from shared.errors import InvalidRequest, UnsupportedMediaType

# Deeper than any of the platform's documents (profiles, quotas, specifications) nest, far below the
# depth at which a recursive parser or validator runs out of stack.
MAX_DEPTH = 32
JSON_TYPES = ("application/json",)
FORM_TYPE = "application/x-www-form-urlencoded"


def check(body: str | None, *, is_base64: bool, content_type: str | None, form: bool = False) -> None:
    """Raise the 4xx a malformed body deserves; return quietly for an empty or well-formed one.
    `form`: the route also takes a form-encoded body (checked as UTF-8 `key=value&...` instead)."""
    if not body:
        return
    if form and is_form(content_type):
        _check_form(_decode(body, is_base64=is_base64))
        return
    _check_media_type(content_type)
    text = _decode(body, is_base64=is_base64)
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise _too_deep() from exc
    except ValueError as exc:
        raise InvalidRequest("The request body is not valid JSON", field="body") from exc
    if _depth(document) > MAX_DEPTH:
        raise _too_deep()


def is_form(content_type: str | None) -> bool:
    """`application/x-www-form-urlencoded`, with no charset or UTF-8 (RFC 6749 Appendix B)."""
    media_type, _, params = (content_type or "").partition(";")
    return media_type.strip().lower() == FORM_TYPE and _param(params, "charset") in (None, "utf-8", "utf8")


def _check_form(text: str) -> None:
    try:
        parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest("The request body is not a valid form (key=value&...)", field="body") from exc


def _check_media_type(content_type: str | None) -> None:
    """No Content-Type is read as JSON (many clients omit it); anything else must say JSON in UTF-8."""
    if content_type is None or not content_type.strip():
        return
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    is_json = media_type in JSON_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
    charset = _param(params, "charset")
    if not is_json or charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(
            f"Content-Type {content_type!r} is not supported; send application/json (UTF-8)",
            field="Content-Type",
        )


def _param(params: str, name: str) -> str | None:
    for part in params.split(";"):
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"').lower()
    return None


def _decode(body: str, *, is_base64: bool) -> str:
    if not is_base64:
        # A gateway hands over text; lone surrogates are what undecodable bytes become on the way.
        try:
            body.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _not_utf8() from exc
        return body
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequest("The request body is not valid base64", field="body") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8() from exc


def _depth(document: Any) -> int:
    """Nesting depth without recursion (the document may be exactly what we are guarding against)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        stack.extend((child, depth + 1) for child in node)
    return deepest


def _not_utf8() -> InvalidRequest:
    return InvalidRequest("The request body is not valid UTF-8", field="body")


def _too_deep() -> InvalidRequest:
    return InvalidRequest(f"The request body nests deeper than {MAX_DEPTH} levels", field="body")
