"""users-list-internal and users-batch-get: reads for a service acting for a user (the GraphQL read API),
under the public routes' rules — the tenant from the user context, user.read unless it is oneself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import pytest

from functions.users import batch_get, list_internal, ports
from functions.users.records import UserRecord
from shared.adapters.lambda_events import http_event
from shared.context import UserContext
from tests.kit import service_token_for
from tests.unit.functions.users.support import CTX, OTHER_TENANT, TENANT, admin, as_user, body, new_user


def acting(module: ModuleType, user: UserContext, **request: Any) -> tuple[int, Any]:
    """Call `module` as the graphql service acting for `user` (its service token and X-User-Context)."""
    route = module.app.declared
    headers = {
        "x-service-token": service_token_for("graphql", "users"),
        "x-service-name": "graphql",
        "x-user-context": user.to_header(),
    }
    payload = request.pop("payload", None)
    event = http_event(
        route.method,
        route.path,
        route=route,
        headers=headers,
        body=None if payload is None else json.dumps(payload),
        **request,
    )
    result = module.handler(event, CTX)
    return int(result["statusCode"]), body(result)


def test_a_batch_answers_the_acting_user_s_tenant_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN two users of acme and one of globex
    jane, john = new_user("jane@acme.io"), new_user("john@acme.io")
    eve = new_user("eve@globex.io", tenant=OTHER_TENANT)
    # WHEN acme's admin asks for all three by id
    ids = [jane["userId"], john["userId"], eve["userId"]]
    store, reads = ports.users(), []
    real = store.get_many

    def get_many(tenant_id: str, user_ids: Sequence[str]) -> list[UserRecord]:
        reads.append(list(user_ids))
        return real(tenant_id, user_ids)

    monkeypatch.setattr(store, "get_many", get_many)
    monkeypatch.setattr(store, "get", lambda *_: pytest.fail("read one by one"))
    status, answer = acting(batch_get, admin(), payload={"userIds": ids})
    # THEN acme's two come back; globex's id is as unknown as a made-up one
    assert status == 200, answer
    assert sorted(u["email"] for u in answer["data"]["users"]) == ["jane@acme.io", "john@acme.io"]
    assert {u["tenantId"] for u in answer["data"]["users"]} == {TENANT}
    # AND all of them were read at once (one BatchGetItem: test_store_contract.py)
    assert len(reads) == 1


def test_a_batch_of_others_needs_user_read_but_oneself_does_not() -> None:
    jane, john = new_user("jane@acme.io"), new_user("john@acme.io")
    plain = as_user(jane["userId"])  # no permissions at all
    status, answer = acting(batch_get, plain, payload={"userIds": [jane["userId"]]})
    assert status == 200
    assert [u["email"] for u in answer["data"]["users"]] == ["jane@acme.io"]
    status, answer = acting(batch_get, plain, payload={"userIds": [jane["userId"], john["userId"]]})
    assert status == 403
    assert answer["error"]["code"] == "PERMISSION_DENIED"


def test_a_batch_over_100_ids_or_empty_is_400() -> None:
    for ids in ([], [f"u_{i:032d}" for i in range(101)]):
        status, answer = acting(batch_get, admin(), payload={"userIds": ids})
        assert status == 400
        assert answer["error"]["code"] == "INVALID_REQUEST"


def test_the_internal_list_is_the_acting_tenant_s_page_with_its_cursor() -> None:
    for i in range(3):
        new_user(f"u{i}@acme.io")
    new_user("eve@globex.io", tenant=OTHER_TENANT)
    status, answer = acting(list_internal, admin(), query={"pageSize": "2"})
    assert status == 200, answer
    first = answer["data"]
    assert len(first["users"]) == 2
    assert first["total"] == 3
    assert first["nextCursor"]
    status, answer = acting(list_internal, admin(), query={"pageSize": "2", "cursor": first["nextCursor"]})
    emails = {u["email"] for u in first["users"] + answer["data"]["users"]}
    assert emails == {"u0@acme.io", "u1@acme.io", "u2@acme.io"}
    # AND without user.read it is refused as the public list is
    status, answer = acting(list_internal, as_user("u_" + "b" * 32), query={"pageSize": "2"})
    assert status == 403
