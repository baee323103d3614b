"""HttpApp through the Lambda adapter: envelopes, validation at the edge, callers, errors."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from shared import service_token
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from tests.conftest import load_event
from tests.fixtures.echo import boom, create, items, me, touch
from tests.kit import service_token_for

CTX = LocalContext("test")


def body(result: dict[str, Any]) -> Any:
    return json.loads(result["body"])


def post_item(raw: str | bytes, **headers: str) -> dict[str, Any]:
    event = load_event(
        "http_post_echo_item", body=raw if isinstance(raw, str) else base64.b64encode(raw).decode()
    )
    if isinstance(raw, bytes):
        event["isBase64Encoded"] = True
    event["headers"].update(headers)
    return create.handler(event, CTX)


def test_success_is_wrapped_in_the_envelope_with_the_declared_status() -> None:
    # GIVEN a valid body  WHEN the function runs
    result = post_item('{"name": "widget", "size": 3}')
    # THEN 201 (declared), the model is `data`, and meta carries the caller's request id
    assert result["statusCode"] == 201
    payload = body(result)
    assert payload["success"] is True
    assert payload["data"] == {"name": "widget", "size": 3, "itemId": "i_widget"}
    assert payload["meta"]["requestId"] == "req_fixture_1"
    assert payload["meta"]["version"] == "v1"
    assert result["headers"]["X-Request-ID"] == "req_fixture_1"


def test_a_missing_request_id_is_generated_and_returned() -> None:
    event = load_event("http_post_echo_item")
    del event["headers"]["x-request-id"]
    result = create.handler(event, CTX)
    generated = result["headers"]["X-Request-ID"]
    assert generated.startswith("req_")
    assert body(result)["meta"]["requestId"] == generated


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"name": "widget", "size": "three"}', "size"),
        ('{"name": "", "size": 1}', "name"),
        ('{"size": 1}', "name"),
        ('{"name": "x", "size": 1, "admin": true}', "admin"),
        ("[1, 2]", "body"),
    ],
)
def test_wrong_types_are_400_invalid_request_naming_the_field(raw: str, field: str) -> None:
    result = post_item(raw)
    assert result["statusCode"] == 400
    error = body(result)["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert error["field"] == field
    assert error["retryable"] is False
    assert error["requestId"] == "req_fixture_1"
    assert error["service"] == "echo"


@pytest.mark.parametrize("raw", ['{"name": "widget", ', "not json", ""])
def test_malformed_or_missing_json_is_400_not_500(raw: str) -> None:
    result = post_item(raw)
    assert result["statusCode"] == 400
    assert body(result)["error"]["code"] == "INVALID_REQUEST"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"name": "w\xff", "size": 1}', "UTF-8"),
        ('{"a":' * 2000 + "1" + "}" * 2000, "nests deeper"),
        ("[" * 40 + "]" * 40, "nests deeper"),
    ],
)
def test_undecodable_or_absurdly_nested_bodies_are_400_not_retryable(raw: str | bytes, message: str) -> None:
    # GIVEN a body no client should send (invalid UTF-8, thousands of levels)  WHEN the function runs
    result = post_item(raw)
    # THEN a client mistake: 400, not retryable — never a 500 from the decoder or a RecursionError
    assert result["statusCode"] == 400
    error = body(result)["error"]
    assert (error["code"], error["retryable"], error["field"]) == ("INVALID_REQUEST", False, "body")
    assert message in error["message"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/json; charset=latin-1"]
)
def test_a_body_that_is_not_json_in_utf8_is_415(content_type: str) -> None:
    result = post_item('{"name": "widget", "size": 3}', **{"content-type": content_type})
    assert result["statusCode"] == 415
    error = body(result)["error"]
    expected = ("UNSUPPORTED_MEDIA_TYPE", False, "Content-Type")
    assert (error["code"], error["retryable"], error["field"]) == expected


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON; charset=UTF-8", "application/merge-patch+json"]
)
def test_json_media_types_are_accepted(content_type: str) -> None:
    assert post_item('{"name": "widget", "size": 3}', **{"content-type": content_type})["statusCode"] == 201


def test_a_document_nested_to_the_limit_is_still_accepted() -> None:
    # 30 levels inside the body's own object: well within MAX_DEPTH, so validation (not the guard) answers
    result = post_item('{"name": "w", "size": 1, "extra": ' + "[" * 30 + "]" * 30 + "}")
    assert body(result)["error"]["field"] == "extra"


def test_an_oversized_body_is_413_before_anything_parses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_MAX_BODY_BYTES", "64")
    result = post_item(json.dumps({"name": "w", "size": 1, "pad": "x" * 100}))
    assert result["statusCode"] == 413
    error = body(result)["error"]
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    assert error["details"]["maxBytes"] == 64


def test_an_oversized_base64_body_is_413_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_MAX_BODY_BYTES", "64")
    assert post_item(b"\x00" * 200)["statusCode"] == 413


def test_a_route_the_function_does_not_serve_is_404_envelope() -> None:
    event = load_event("http_post_echo_item", rawPath="/api/v1/echo/other")
    event["requestContext"]["http"]["path"] = "/api/v1/echo/other"
    result = create.handler(event, CTX)
    assert result["statusCode"] == 404
    assert body(result)["error"]["code"] == "NOT_FOUND"


def test_a_bug_is_500_internal_error_without_leaking_internals() -> None:
    result = boom.handler(http_event("GET", "/api/v1/echo/boom"), CTX)
    assert result["statusCode"] == 500
    error = body(result)["error"]
    assert error["code"] == "INTERNAL_ERROR"
    assert "passwd" not in result["body"]
    assert "Traceback" not in result["body"]


def test_pages_get_the_paginated_envelope_and_a_working_cursor() -> None:
    first = body(items.handler(http_event("GET", "/api/v1/echo/items", query={"pageSize": "2"}), CTX))
    assert [i["itemId"] for i in first["data"]] == ["i_0", "i_1"]
    pagination = first["pagination"]
    assert pagination["total"] == 5
    assert pagination["totalPages"] == 3
    assert pagination["hasNext"] is True
    assert pagination["hasPrev"] is False
    query = {"pageSize": "2", "cursor": pagination["nextCursor"]}
    second = body(items.handler(http_event("GET", "/api/v1/echo/items", query=query), CTX))
    assert [i["itemId"] for i in second["data"]] == ["i_2", "i_3"]
    assert second["pagination"]["page"] == 2
    assert second["pagination"]["hasPrev"] is True


def test_a_forged_cursor_is_400() -> None:
    result = items.handler(http_event("GET", "/api/v1/echo/items", query={"cursor": "not-a-cursor!"}), CTX)
    assert result["statusCode"] == 400
    assert body(result)["error"]["field"] == "cursor"


@pytest.mark.parametrize(
    "raw", [b'{"k": {}, "p": 1e400}', b'{"k": {}, "p": 10000000000}', b'{"k": {}, "p": 0}']
)
def test_a_cursor_with_an_absurd_page_number_is_400(raw: bytes) -> None:
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    result = items.handler(http_event("GET", "/api/v1/echo/items", query={"cursor": cursor}), CTX)
    assert result["statusCode"] == 400
    assert body(result)["error"]["field"] == "cursor"


def test_query_validation_is_400() -> None:
    result = items.handler(http_event("GET", "/api/v1/echo/items", query={"pageSize": "1000"}), CTX)
    assert result["statusCode"] == 400
    assert body(result)["error"]["field"] == "pageSize"


# --- internal routes: service tokens ---------------------------------------------------------------------
def touch_event(**headers: str) -> dict[str, Any]:
    return http_event("POST", "/internal/echo/i_1/touch", path_params={"itemId": "i_1"}, headers=headers)


def test_an_internal_route_refuses_a_call_without_a_service_token() -> None:
    result = touch.handler(touch_event(), CTX)
    assert result["statusCode"] == 401
    assert body(result)["error"]["code"] == "INVALID_TOKEN"


def test_an_internal_route_refuses_a_token_minted_for_another_service() -> None:
    token = service_token.issue("relay", audience="tenants")
    result = touch.handler(touch_event(**{"x-service-token": token}), CTX)
    assert result["statusCode"] == 401


def test_an_internal_route_refuses_a_caller_name_that_is_not_the_tokens() -> None:
    token = service_token_for("relay", "echo")
    result = touch.handler(touch_event(**{"x-service-token": token, "x-service-name": "auth"}), CTX)
    assert result["statusCode"] == 401


def test_an_internal_route_accepts_its_audience_and_sees_caller_user_and_ids() -> None:
    user = UserContext(user_id="u_9", tenant_id="acme-corp", permissions=("file.read",))
    headers = {
        "x-service-token": service_token_for("relay", "echo"),
        "x-service-name": "relay",
        "x-request-id": "req_abc",
        "x-correlation-id": "cor_xyz",
        "x-user-context": user.to_header(),
    }
    result = touch.handler(touch_event(**headers), CTX)
    assert result["statusCode"] == 200
    assert body(result)["data"] == {
        "itemId": "i_1",
        "caller": "relay",
        "requestId": "req_abc",
        "correlationId": "cor_xyz",
        "userId": "u_9",
        "tenantId": "acme-corp",
    }


def test_a_garbled_user_context_header_is_400() -> None:
    headers = {"x-service-token": service_token_for("relay", "echo"), "x-user-context": "%%%"}
    result = touch.handler(touch_event(**headers), CTX)
    assert result["statusCode"] == 400


# --- protected routes: the authorizer's user ------------------------------------------------------------
def me_event(user: UserContext | None, **headers: str) -> dict[str, Any]:
    authorizer = {"userContext": user.to_header()} if user else None
    return http_event("GET", "/api/v1/echo/me", headers=headers, authorizer=authorizer)


def test_a_protected_route_without_the_authorizers_user_is_401() -> None:
    result = me.handler(me_event(None), CTX)
    assert result["statusCode"] == 401
    assert body(result)["error"]["code"] == "INVALID_TOKEN"


def test_a_protected_route_sees_the_verified_user() -> None:
    user = UserContext(user_id="u_1", tenant_id="acme-corp", roles=("member",), session_id="s_1")
    result = me.handler(me_event(user), CTX)
    assert result["statusCode"] == 200
    assert body(result)["data"]["userId"] == "u_1"


def test_an_x_tenant_id_other_than_the_tokens_is_403_never_an_override() -> None:
    user = UserContext(user_id="u_1", tenant_id="acme-corp")
    result = me.handler(me_event(user, **{"x-tenant-id": "globex"}), CTX)
    assert result["statusCode"] == 403
    assert body(result)["error"]["code"] == "FORBIDDEN"
