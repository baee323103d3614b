"""The published documents are readable by a person (issue 13.6): each protected operation names the
permission it needs — as its service checks it —, each error status lists the seed 000 codes it carries
with an example envelope, and every request and success body has an example its own schema accepts."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry as SchemaRegistry
from referencing import Resource
from referencing.jsonschema import DRAFT202012

from functions.catalog import registry
from shared.declarations import Auth, Function
from shared.errors import SPECS
from stratus import openapi, openapi_docs

ROOT = Path(__file__).resolve().parents[3]
METHODS = ("get", "put", "post", "delete", "patch")
ENVELOPE = re.compile(r"#/components/schemas/(Error[0-9]{3}|ServerError)")


@cache
def document(audience: openapi.Audience) -> dict[str, Any]:
    return openapi.document(registry(), audience)


def operations(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


def protected_public_routes() -> list[Function]:
    return [
        fn
        for fn in registry().http_functions
        if openapi.audience_of(fn) == "public" and fn.route.auth is Auth.USER
    ]


def service_source(fn: Function) -> str:
    package = fn.module.rpartition(".")[0]
    folder = ROOT.joinpath(*package.split("."))
    return "\n".join(p.read_text() for p in sorted(folder.glob("*.py")))


def test_every_protected_public_route_names_the_permission_it_needs() -> None:
    missing = [fn.route.key for fn in protected_public_routes() if openapi_docs.permission(fn) is None]
    assert not missing, f"add them to PERMISSIONS in stratus/openapi_docs.py: {missing}"
    declared = {fn.route.key for fn in registry().http_functions}
    assert not set(openapi_docs.PERMISSIONS) - declared, "PERMISSIONS names a route that is not declared"


@pytest.mark.parametrize("fn", protected_public_routes(), ids=lambda fn: fn.route.key)
def test_the_documented_permission_is_the_one_the_service_checks(fn: Function) -> None:
    need = openapi_docs.permission(fn)
    assert need is not None, f"add {fn.route.key} to PERMISSIONS in stratus/openapi_docs.py"
    source = service_source(fn)
    name = need.split(" ", 1)[0]
    if re.fullmatch(r"[a-z_]+\.[a-z_*]+", name):
        assert f'"{name}"' in source, f"{fn.service} never checks {name!r}"
    elif need in (openapi_docs.PLATFORM_ADMIN, openapi_docs.OWN_TENANT):
        assert re.search(r"\b(is_platform_admin|require_platform_admin)\(", source), fn.service
    elif need == openapi_docs.APP_MEMBER:
        assert "AppAccess(" in source, f"{fn.service} has no tenant gate (shared.app_access)"
    # AND the document carries it
    op = document("public")["paths"][fn.route.path][
        fn.route.method.lower() if fn.route.method != "ANY" else "get"
    ]
    assert op["x-permission"]
    assert "**Permission:**" in op["description"]


def test_a_public_route_names_no_permission() -> None:
    doc = document("public")
    for key, op in operations(doc):
        if op["security"] == []:
            assert "x-permission" not in op, key


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_error_status_lists_its_codes_with_an_example_envelope(audience: openapi.Audience) -> None:
    doc = document(audience)
    examples = doc["components"]["examples"]
    checked = 0
    for key, op in operations(doc):
        for status, response in envelope_errors(op):
            checked += 1
            listed = re.findall(r"`([A-Z_]+)`", response["description"].split("Codes:", 1)[1])
            wanted = {
                str(c)
                for c, s in SPECS.items()
                if (s.status >= 500 if status == "5XX" else s.status == int(status))
            }
            assert set(listed) == wanted, (key, status)
            [(code, ref)] = response["content"]["application/json"]["examples"].items()
            value = examples[ref["$ref"].rsplit("/", 1)[1]]["value"]
            assert value["error"]["code"] == code in listed
            assert value["success"] is False
    assert checked > 100


def envelope_errors(op: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The error responses in seed 000's envelope (OAuth's token endpoint answers RFC 6749's instead)."""
    return [
        (status, response)
        for status, response in op["responses"].items()
        if ENVELOPE.fullmatch(
            response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        )
    ]


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_body_has_an_example_its_schema_accepts(audience: openapi.Audience) -> None:
    doc = document(audience)
    store = SchemaRegistry().with_resource("urn:doc", Resource(contents=doc, specification=DRAFT202012))
    checked = 0
    for key, op in operations(doc):
        contents = [op.get("requestBody", {}).get("content", {}).get("application/json")]
        contents += [
            r.get("content", {}).get("application/json") for s, r in op["responses"].items() if s[0] == "2"
        ]
        errors = [r["content"]["application/json"] for _, r in envelope_errors(op)]
        for content in filter(None, contents):
            assert "example" in content, key
            _validate(store, content["schema"], content["example"], key)
            checked += 1
        for content in errors:
            for ref in content["examples"].values():
                value = doc["components"]["examples"][ref["$ref"].rsplit("/", 1)[1]]["value"]
                _validate(store, content["schema"], value, key)
    assert checked > 20


def _validate(store: SchemaRegistry, schema: dict[str, Any], value: Any, where: str) -> None:
    rooted = _rooted(schema)
    problems = [e.message for e in Draft202012Validator(rooted, registry=store).iter_errors(value)]
    assert not problems, (where, value, problems[:3])


def _rooted(node: Any) -> Any:
    """The document's local references (`#/components/…`) made absolute, to resolve inside it."""
    if isinstance(node, dict):
        return {
            k: (f"urn:doc{v}" if k == "$ref" and v.startswith("#") else _rooted(v)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rooted(v) for v in node]
    return node
