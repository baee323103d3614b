"""What a request body must be before any handler sees it: JSON, in UTF-8, not nested deeper than a real
document ever is. Each failure is a client mistake (4xx, not retryable), never an exception that
reaches the error mapper as an internal error.

Powertools parses the body again after these checks; bodies are at most `max_body_bytes`, so the second
parse costs little next to the guarantee that no decoding error can surface as a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from shared.errors import InvalidRequest, UnsupportedMediaType

# Deeper than any of the platform's documents (profiles, quotas, specifications) nest, far below the
# depth at which a recursive parser or validator runs out of stack.
MAX_DEPTH = 32
JSON_TYPES = ("application/json",)


def check(body: str | None, *, is_base64: bool, content_type: str | None) -> None:
    """Raise the 4xx a malformed body deserves; return quietly for an empty or well-formed one."""
    if not body:
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
