"""users-create keeps no idempotency record: the caller names the user (`userId`, which the typed client
fills in when the request is built), so a create whose first answer is lost and is retried produces one
user — not a 409 and not two (issue #11) — and nothing else can pass for such a repeat."""

from __future__ import annotations

from typing import Any

from functions.users import create
from functions.users.models import NewUser
from shared.events.model import ServiceEvent
from tests.unit.functions.users.support import (
    PASSWORD,
    TENANT,
    Callees,
    body,
    internal,
    stored_count,
    table,
)

PATH = "/internal/users/create"


def post(payload: dict[str, Any]) -> dict[str, Any]:
    return internal(create, path=PATH, payload=payload)


def test_a_repeated_create_answers_the_same_with_one_user_one_count_one_event(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    # GIVEN a create whose answer was lost (the typed client's request, with the id it chose)
    request = NewUser(email="jane@acme.io", password=PASSWORD, tenant_id=TENANT)
    payload = request.model_dump(by_alias=True, mode="json")
    first = post(payload)
    # WHEN the same request comes again
    again = post(payload)
    # THEN the same 201 answer, the caller's id, one user counted once, one user.created
    assert (first["statusCode"], again["statusCode"]) == (201, 201)
    assert body(again)["data"] == body(first)["data"]
    assert body(first)["data"]["userId"] == request.user_id
    assert stored_count() == 1
    assert len(table().users) == 1
    assert [e.type for e in published] == ["user.created"]


def test_the_typed_clients_request_keeps_its_id_on_every_send() -> None:
    request = NewUser(email="jane@acme.io", password=PASSWORD, tenant_id=TENANT)
    dumped = [request.model_dump(by_alias=True, exclude_none=True, mode="json") for _ in range(2)]
    assert dumped[0]["userId"] == dumped[1]["userId"] == request.user_id
    assert NewUser(email="jane@acme.io", password=PASSWORD, tenant_id=TENANT).user_id != request.user_id


def test_the_same_email_under_another_id_is_still_409(published: list[ServiceEvent]) -> None:
    # GIVEN jane exists  WHEN another request (another id) registers her address again  THEN 409
    post({"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT})
    result = post({"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT})
    assert (result["statusCode"], body(result)["error"]["code"]) == (409, "USER_ALREADY_EXISTS")
    assert stored_count() == 1
    assert len(published) == 1


def test_a_taken_id_with_another_email_is_409_and_changes_nothing(published: list[ServiceEvent]) -> None:
    # GIVEN jane  WHEN a create names her id with another address  THEN 409, and no second user
    first = body(post({"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT}))["data"]
    result = post(
        {"email": "mallory@acme.io", "password": PASSWORD, "tenantId": TENANT, "userId": first["userId"]}
    )
    assert (result["statusCode"], body(result)["error"]["code"]) == (409, "USER_ALREADY_EXISTS")
    assert stored_count() == 1
    assert len(table().users) == 1


def test_a_malformed_user_id_is_400() -> None:
    result = post({"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT, "userId": "u_1#X"})
    assert (result["statusCode"], body(result)["error"]["field"]) == (400, "userId")
