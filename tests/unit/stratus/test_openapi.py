"""The OpenAPI documents tell the truth: the public one holds only public routes, every operation names the
success shape clients receive and each error status it can answer, every reference resolves, and the
published patterns accept and refuse what the validators behind them do."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from functools import cache
from typing import Any

import pytest

from functions.catalog import registry
from functions.files.models import (
    CONTENT_TYPE_PATTERN,
    FILE_NAME_PATTERN,
    FOLDER_PATTERN,
    normalize_content_type,
    normalize_folder,
)
from functions.gateway.models import NEW_PASSWORD_PATTERN, TENANT_NAME
from shared import emails
from shared.errors import SPECS, InvalidRequest
from shared.schema_patterns import CONTROL_AND_FORMAT, WHITESPACE
from stratus import openapi

METHODS = ("get", "put", "post", "delete", "patch")


@cache
def public() -> dict[str, Any]:
    return openapi.document(registry(), "public")


@cache
def internal() -> dict[str, Any]:
    return openapi.document(registry(), "internal")


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in doc["paths"].items() for m, op in ops.items() if m in METHODS]


def test_the_committed_documents_are_current() -> None:
    assert openapi.stale(registry()) == [], "run `stratus openapi` and commit the result"


def test_the_public_document_holds_the_public_routes_and_the_internal_one_the_rest() -> None:
    public_keys = {f"{m} {p}" for m, p, _ in operations(public())}
    internal_keys = {f"{m} {p}" for m, p, _ in operations(internal())}
    declared = {f"{m} {fn.route.path}" for fn in registry().http_functions for m in fn.route.methods}
    assert public_keys | internal_keys == declared
    assert not public_keys & internal_keys
    for key in public_keys:
        path = key.split(" ", 1)[1]
        assert path.startswith(("/api/v1/", "/.well-known/")) or key in openapi.PUBLIC_EXCEPTIONS
    assert all(key.split(" ", 1)[1].startswith("/internal/") for key in internal_keys)
    assert set(public()["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert public()["components"]["securitySchemes"]["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "`stk_…` (POST /api-keys)",
    }


@pytest.mark.parametrize("doc", [public, internal], ids=["public", "internal"])
def test_every_reference_resolves_and_every_model_is_used(doc: Any) -> None:
    document = doc()
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/([\w.-]+)"', json.dumps(document)))
    for kind, name in refs:
        assert name in document["components"][kind], f"#/components/{kind}/{name}"
    used = {name for kind, name in refs if kind == "schemas"}
    assert set(document["components"]["schemas"]) == used


def test_extra_statuses_name_declared_public_routes() -> None:
    declared = {fn.route.key for fn in registry().http_functions}
    assert set(openapi.EXTRA_STATUSES) <= declared
    assert set(openapi.RAW_BODIES) <= declared


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in operations(public())])
def test_each_public_operation_documents_its_errors_and_its_caller(method: str, path: str) -> None:
    operation = public()["paths"][path][method.lower()]
    statuses = set(operation["responses"])
    fn = registry().match(method, re.sub(r"\{\w+\}", "x", path))
    assert fn is not None
    route = fn.function.route
    assert str(route.status) in statuses
    assert {"429", "5XX"} <= statuses
    assert "default" not in statuses
    if operation.get("parameters") or "requestBody" in operation:
        assert "400" in statuses
    if route.params:
        assert "404" in statuses
    if "requestBody" in operation:
        assert {"413", "415"} <= statuses
    if route.auth == "user":
        assert {"401", "403"} <= statuses
        # a bearer token or an API key (then `{}` where a credential is optional)
        assert operation["security"][:2] == [{"bearer": []}, {"apiKey": []}]
        assert operation["security"][2:] in ([], [{}])
    else:
        assert operation["security"] == []
    for status, response in operation["responses"].items():
        assert "X-Request-ID" in response["headers"]
        if not status.startswith(("2", "3")):  # a redirect (OAuth) has no body
            schema = response["content"]["application/json"]["schema"]
            # a protocol's own error (OAuth, GraphQL) comes first; the platform's envelope is always last
            schema = schema.get("anyOf", [schema])[-1]
            assert schema["$ref"] in {
                f"#/components/schemas/Error{status}",
                "#/components/schemas/ServerError",
            }


def test_login_documents_the_lockout() -> None:
    assert "423" in public()["paths"]["/api/v1/auth/login"]["post"]["responses"]


def test_a_public_flow_documents_a_wrong_credential_and_the_tenant_it_names() -> None:
    refresh = public()["paths"]["/api/v1/auth/refresh"]["post"]["responses"]
    register = public()["paths"]["/api/v1/auth/register"]["post"]["responses"]
    assert "401" in refresh  # a refresh token
    assert {"403", "404"} <= set(register)  # a tenant id
    assert "401" not in register  # a new password is set, not checked


def test_an_error_status_admits_exactly_the_codes_of_that_status() -> None:
    schemas = public()["components"]["schemas"]
    for status in (400, 401, 403, 404, 409, 413, 415, 423, 429):
        enum = schemas[f"Error{status}"]["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
        assert enum == sorted(str(c) for c, spec in SPECS.items() if spec.status == status)


def success_schema(path: str, method: str) -> dict[str, Any]:
    response = public()["paths"][path][method]["responses"]
    status = next(s for s in response if s.startswith("2"))
    schema: dict[str, Any] = response[status]["content"]["application/json"]["schema"]
    return schema


def test_a_paged_list_is_documented_as_served_data_an_array_and_pagination_beside_it() -> None:
    schema = success_schema("/api/v1/users", "get")
    assert schema["required"] == ["success", "data", "pagination", "meta"]
    assert schema["properties"]["data"]["type"] == "array"
    assert schema["properties"]["pagination"] == {"$ref": "#/components/schemas/Pagination"}


def test_raw_documents_are_documented_as_objects_and_no_content_as_nothing() -> None:
    assert success_schema("/.well-known/jwks.json", "get")["required"] == ["keys"]
    assert success_schema("/.well-known/openapi.json", "get")["type"] == "object"
    logout = public()["paths"]["/api/v1/auth/logout"]["post"]["responses"]["204"]
    assert "content" not in logout


def test_bounds_are_whole_numbers_and_optional_query_parameters_are_not_nullable() -> None:
    text = json.dumps(public())
    assert not re.search(r'"(minimum|maximum)": -?\d+\.0\b', text)
    for _method, _path, operation in operations(public()):
        for parameter in operation.get("parameters", []):
            assert "anyOf" not in parameter["schema"], parameter


# --- the published patterns say what the validators check -----------------------------------------------
def ranges(predicate: Any) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        if predicate(chr(cp)):
            if found and found[-1][1] == cp - 1:
                found[-1] = (found[-1][0], cp)
            else:
                found.append((cp, cp))
    return found


def class_ranges(body: str) -> list[tuple[int, int]]:
    chars = re.compile(f"[{body}]")
    return ranges(lambda c: bool(chars.fullmatch(c)))


def test_the_character_sets_are_pythons() -> None:
    assert class_ranges(WHITESPACE) == ranges(str.isspace)
    kinds = ("Cc", "Cf", "Zl", "Zp")
    assert class_ranges(CONTROL_AND_FORMAT) == ranges(lambda c: unicodedata.category(c) in kinds)


def accepts(check: Any, value: str) -> bool:
    try:
        check(value)
    except (ValueError, InvalidRequest):
        return False
    return True


@pytest.mark.parametrize(
    "value",
    ["a@b.co", "Jane.Doe+x@Mail.Example.org", "a@b", "a..b@c.co", ".a@b.co", "a@-b.co", "a@b.c0", "x" * 70],
)
def test_an_email_is_allowed_by_the_pattern_exactly_when_it_is_accepted(value: str) -> None:
    # (the pattern leaves out the whitespace `normalize` trims and the local part's 64-character limit)
    assert bool(re.search(emails.PATTERN, value)) == accepts(emails.normalize, value)


def check_file_name(value: str) -> None:
    from functions.files.models import UploadRequest

    try:
        UploadRequest.model_validate({"fileName": value, "fileSize": 1, "contentType": "a/b"})
    except Exception as exc:
        raise ValueError(value) from exc


@pytest.mark.parametrize(
    ("pattern", "check", "value"),
    [
        *[
            (FILE_NAME_PATTERN, check_file_name, v)
            for v in [
                "a.txt",
                "",
                ".",
                " .. ",
                "a/b",
                "a\\b",
                "a\u200bb",
                "x" * 255,
                "x" * 256,
                " a ",
                "....",
            ]
        ],
        *[
            (FOLDER_PATTERN, normalize_folder, v)
            for v in ["", "/", "a/b", "/a/b/", "a//b", "..", "a/../b", "...", "x" * 256, "x" * 257, "#"]
        ],
        *[
            (CONTENT_TYPE_PATTERN, normalize_content_type, v)
            for v in ["text/plain", "Text/Plain ;\u3000charset=utf-8", "text", 'a/b; x="y z"', 'a/b; x="\r"']
        ],
    ],
)
def test_a_value_is_allowed_by_a_pattern_exactly_when_its_validator_accepts_it(
    pattern: str, check: Any, value: str
) -> None:
    assert bool(re.search(pattern, value)) == accepts(check, value)


@pytest.mark.parametrize(
    ("value", "strong"),
    [
        ("abcdefghi1", True),
        ("1abcdefghi", True),
        ("abc\ndefg\n9", True),
        ("abcdefghij", False),
        ("1" * 10, False),
    ],
)
def test_the_new_password_pattern_is_the_strength_rule(value: str, strong: bool) -> None:
    assert bool(re.search(NEW_PASSWORD_PATTERN, value)) is strong


@pytest.mark.parametrize(("value", "ok"), [("Acme", True), (" a ", True), ("   ", False), ("a\tb", False)])
def test_the_tenant_name_pattern_is_visible_text(value: str, ok: bool) -> None:
    assert bool(re.search(TENANT_NAME, value)) is ok
