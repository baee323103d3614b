"""What a key's documents must look like.

The registry is the configuration itself: the JSON Schema (draft-07) of key `<key>` is the platform
scope's document of key `schema.<key>`, written, versioned and rolled back like any other document by a
platform admin. A key without a schema takes any JSON. `flags` has its schema in code: Powertools' feature
flags format (`shared.flags.problems`), and `schema.flags` cannot be written.

What is validated is the *effective* value at the written scope — the written document merged over the
scopes below it — so a tenant may write only the members it overrides and a schema's `required` still
holds. A schema written later does not re-check documents written before it; the next write of each does.
Errors are 400 INVALID_REQUEST with `field` the JSON path of the first problem (`value.limits.maxUploads`)
and `details` listing each problem's path and message.

A schema may only reference itself (`$ref` starting with `#`), carries no `$id`, and is draft-07: nothing
in it can make the service fetch a URL or read a file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import fastjsonschema

from functions.config.scopes import SCHEMA_PREFIX
from shared import config_docs, flags
from shared.config_docs import Scope
from shared.errors import InvalidRequest
from shared.observability import logger

DRAFT_07 = ("http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema")
_MAX_PROBLEMS = 20
log = logger("config")


def check(scope: Scope, key: str, document: Any, effective: Any) -> None:
    """Raise 400 unless `document` may be `scope`'s document of `key` (its effective value `effective`)."""
    if key.startswith(SCHEMA_PREFIX):
        _check_schema_document(key, document)
    elif key == flags.FLAGS_KEY:
        _check_flags(document, effective)
    elif effective is not None:
        schema = _registered(key)
        if schema is not None:
            _check_against(schema, effective)


# --- flags -------------------------------------------------------------------------------------------
def _check_flags(document: Any, effective: Any) -> None:
    if document is not None and not isinstance(document, dict):
        raise InvalidRequest("value: the flags are an object, one member per flag", field="value")
    if effective is None:
        return
    found = flags.problems(effective)
    if found:
        paths = [_path(p.path) for p in found[:_MAX_PROBLEMS]]
        details = [{"path": path, "message": p.message} for path, p in zip(paths, found, strict=False)]
        raise InvalidRequest(f"{paths[0]}: {found[0].message}", field=paths[0], details=details)


def _path(inner: str) -> str:
    if not inner:
        return "value"
    return f"value{inner}" if inner.startswith("[") else f"value.{inner}"


# --- registered JSON Schemas -------------------------------------------------------------------------
def _registered(key: str) -> str | None:
    """The platform's current schema of `key` as JSON text, or None."""
    head = config_docs.read_heads([Scope.platform()], SCHEMA_PREFIX + key)[Scope.platform()]
    return None if head.value is None else json.dumps(head.value, sort_keys=True)


def _check_against(schema_text: str, value: Any) -> None:
    try:
        _compiled(schema_text)(value)
    except fastjsonschema.JsonSchemaValueException as exc:
        name, text = exc.name or "data", str(exc.message)
        path = "value" + (name[len("data") :] if name.startswith("data") else "")
        message = "value" + text[len("data") :] if text.startswith("data") else text
        raise InvalidRequest(
            message, field=path, details=[{"path": path, "rule": exc.rule, "message": message}]
        ) from None
    except Exception:  # a registered schema that no longer compiles or runs: refuse, never a 500
        log.exception("registered schema could not check a value")
        raise InvalidRequest(
            "value: could not be checked against the key's registered schema", field="value"
        ) from None


@lru_cache(maxsize=32)
def _compiled(schema_text: str) -> Any:
    """A schema compiled once per container (by its text: a new version is a new entry)."""
    return fastjsonschema.compile(json.loads(schema_text), handlers=_NO_REMOTE)


def _refuse(uri: str) -> Any:
    raise ValueError(f"remote references are not resolved: {uri}")


_NO_REMOTE = {scheme: _refuse for scheme in ("http", "https", "file", "ftp", "data", "")}


def _check_schema_document(key: str, document: Any) -> None:
    target = key[len(SCHEMA_PREFIX) :]
    if target == flags.FLAGS_KEY or target.startswith(SCHEMA_PREFIX) or not config_docs.KEY.fullmatch(target):
        raise InvalidRequest(f"key: {target!r} cannot have a registered schema", field="key")
    if document is None:
        return  # the key goes back to taking any JSON
    if not isinstance(document, dict):
        raise InvalidRequest("value: a JSON Schema is an object", field="value")
    if document.get("$schema", DRAFT_07[0]) not in DRAFT_07:
        raise InvalidRequest("value.$schema: only draft-07 schemas are supported", field="value.$schema")
    unsafe = _unsafe(document, "value")
    if unsafe is not None:
        raise InvalidRequest(f"{unsafe}: only references inside the schema (#...) are allowed", field=unsafe)
    try:
        _compiled(json.dumps(document, sort_keys=True))
    except Exception as exc:  # fastjsonschema raises whatever a malformed schema makes it raise
        raise InvalidRequest(f"value: not a valid JSON Schema ({exc})", field="value") from None


def _unsafe(node: Any, path: str) -> str | None:
    """The path of the first member that could reach outside the schema (`$ref` elsewhere, `$id`)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            found = _unsafe(item, f"{path}[{index}]")
            if found is not None:
                return found
    elif isinstance(node, dict):
        for name, value in node.items():
            where = f"{path}.{name}"
            if name == "$id" or (name == "$ref" and not (isinstance(value, str) and value.startswith("#"))):
                return where
            found = _unsafe(value, where)
            if found is not None:
                return found
    return None
