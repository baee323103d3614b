"""Example bodies for the OpenAPI documents, made from the schemas themselves so they cannot drift: each
value is the schema's own example, default, const or first enum member, else a plausible value chosen by
the property's name and checked against its pattern and bounds. A schema no candidate satisfies is an error
(`stratus openapi` fails and names it: add a candidate to `_BY_NAME` or an `examples` to the model).

tests/unit/stratus/test_openapi_docs.py validates every example against its schema with jsonschema."""

from __future__ import annotations

import json
import re
from typing import Any

_REF = "#/components/schemas/"
_STAMP = "2026-01-15T09:30:00.000Z"

# Plausible values by property name (lower-cased, without `_`), tried in order; the first that fits wins.
_BY_NAME: dict[str, tuple[Any, ...]] = {
    "email": ("ada@acme.example",),
    "requestid": ("req_5f2c1e9a7b3d4c8e",),
    "firstname": ("Ada",),
    "displayname": ("Ada Lovelace",),
    "adminemail": ("admin@acme.example",),
    "tenantid": ("acme-corp",),
    "userid": ("u_01j9z3k4v8m2n5p7",),
    "name": ("editor", "Acme Corp", "acme", "welcome"),
    "role": ("editor",),
    "roles": (["editor"],),
    "permission": ("file.read",),
    "password": ("correct-horse-battery-9",),
    "newpassword": ("correct-horse-battery-10",),
    "currentpassword": ("correct-horse-battery-9",),
    "adminpassword": ("correct-horse-battery-9",),
    "plan": ("standard",),
    "filename": ("report.pdf",),
    "contenttype": ("application/pdf",),
    "folder": ("reports",),
    "url": ("https://app.acme.example/hooks/stratus",),
    "webhookurl": ("https://app.acme.example/hooks/stratus",),
    "baseurl": ("https://app.acme.example",),
    "healthcheckurl": ("https://app.acme.example/health",),
    "code": ("123456",),
    "token": ("inv.0123456789abcdef0123456789abcdef.token",),
    "refreshtoken": ("rt_0123456789abcdef0123456789abcdef",),
    "description": ("What it is for",),
    "subject": ("Welcome to {{tenantName}}",),
    "body": ("Hello {{name}}",),
    "channel": ("tenant",),
    "version": ("1.0.0",),
    "path": ("/reports/{id}",),
    "method": ("GET",),
}
_STRINGS = (
    "acme-corp",
    "editor",
    "file.read",
    "example",
    "Example",
    "svc_0123456789abcdef0123456789abcdef",
    "key_0123456789abcdef01234567",
    "acme.0123456789abcdef0123456789abcdef.token",
    "tenant",
    "platform",
    "/reports",
    "reports",
    "1",
    "abc123",
    "a1",
    "30d",
    "cli_0123456789abcdef01234567",
    "s_0123456789abcdef0123456789abcdef",
    "3.1.0",
    "https://app.acme.example/callback",
)
_FORMATS = {
    "email": "ada@acme.example",
    "date-time": _STAMP,
    "date": "2026-01-15",
    "uri": "https://acme.example",
}


class NoExample(ValueError):
    pass


def example(schema: dict[str, Any], schemas: dict[str, Any], *, name: str = "", depth: int = 0) -> Any:
    """A value `schema` accepts (references resolve in `schemas`, the document's components)."""
    if depth > 12:
        raise NoExample(f"{name}: the schema nests too deep for an example")
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        return example(schemas[ref[len(_REF) :]], schemas, name=name, depth=depth + 1)
    for key in ("example", "const", "default"):
        if key in schema and not (key == "default" and schema[key] is None and "null" not in str(schema)):
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example(part, schemas, name=name, depth=depth + 1)
            if isinstance(value, dict):
                merged |= value
        return merged
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return example(options[0], schemas, name=name, depth=depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return _object(schema, schemas, depth)
    if kind == "array":
        singular = name[:-1] if name.endswith("s") else name  # `roles` holds a `role`
        item = example(schema.get("items", {}), schemas, name=singular, depth=depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1))) if schema.get("maxItems", 1) else []
    if kind == "string":
        return _string(schema, name)
    if kind == "integer":
        return int(_number(schema, 1))
    if kind == "number":
        return float(_number(schema, 1.5))
    if kind == "boolean":
        return not name.startswith("has")  # a first page: no previous one
    if kind == "null":
        return None
    return {} if not schema else "example"


def _object(schema: dict[str, Any], schemas: dict[str, Any], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    required = set(schema.get("required", []))
    for prop, sub in schema.get("properties", {}).items():
        # Optional properties that may be null are left out: an example shows what to send.
        nullable = any(o.get("type") == "null" for o in sub.get("anyOf", []))
        if prop in required or not nullable:
            out[prop] = example(sub, schemas, name=prop, depth=depth + 1)
    if not out:  # a map: one entry, its key fitting the map's key pattern
        for pattern, sub in schema.get("patternProperties", {}).items():
            key = next((k for k in ("displayName", "name", "key") if re.search(pattern, k)), None)
            if key is not None:
                out[key] = example(sub, schemas, name=key, depth=depth + 1)
                break
        extra = schema.get("additionalProperties")
        if not out and isinstance(extra, dict) and extra:
            out["key"] = example(extra, schemas, name="key", depth=depth + 1)
    return out


def _number(schema: dict[str, Any], fallback: float) -> float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value = fallback
    if low is not None and value <= low:
        value = low + (1 if "exclusiveMinimum" in schema else 0)
    if high is not None and value > high:
        value = high
    return value


def _string(schema: dict[str, Any], name: str) -> str:
    key = name.lower().replace("_", "")
    candidates: list[Any] = [*_BY_NAME.get(key, ())]
    if schema.get("format") in _FORMATS:
        candidates.insert(0, _FORMATS[schema["format"]])
    for suffix, values in (("id", ("acme-corp", "u_01j9z3k4v8m2n5p7")), ("at", (_STAMP,))):
        if key.endswith(suffix):
            candidates.extend(values)
    candidates.extend(_STRINGS)
    for value in candidates:
        if isinstance(value, str) and _fits(schema, value):
            return value
    raise NoExample(f"no example string for {name or 'a value'} fits {json.dumps(schema)[:300]}")


def _fits(schema: dict[str, Any], value: str) -> bool:
    if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
        return False
    pattern = schema.get("pattern")
    return pattern is None or re.search(pattern, value) is not None
