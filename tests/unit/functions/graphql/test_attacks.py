"""Documents built to hurt: refused with 400 (403 for introspection) before any backend call, each error
with `extensions.code`; and malformed bodies, which never reach GraphQL (the platform's 400 envelope)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from functions.graphql import limits
from functions.graphql import query as query_fn
from tests.kit import FakeServices, call, error_code
from tests.unit.functions.graphql.support import ADMIN, MEMBER, calls
from tests.unit.functions.graphql.test_query import ask


def refused(payload: dict[str, Any]) -> str:
    assert "data" not in payload
    [error] = payload["errors"]
    return str(error["extensions"]["code"])


def test_a_depth_bomb_is_refused_before_validation(services: FakeServices) -> None:
    # GIVEN a document nested 40 levels deep
    document = "{ " + "me { " * 40 + "userId" + " }" * 41
    status, payload = ask(document)
    assert status == 400
    assert refused(payload) == "INVALID_REQUEST"
    assert "levels deep" in payload["errors"][0]["message"]
    assert calls(services) == []


def test_depth_counts_through_fragments(services: FakeServices) -> None:
    nested = "a { " * 9 + "b" + " }" * 9
    document = f"{{ ...F }} fragment F on Query {{ me {{ ... on Me {{ {nested} }} }} }}"
    status, payload = ask(document)
    assert status == 400
    assert "levels deep" in payload["errors"][0]["message"]


def test_an_alias_flood_is_refused(services: FakeServices) -> None:
    document = "{ " + " ".join(f"a{i}: me {{ userId }}" for i in range(limits.MAX_ALIASES + 1)) + " }"
    status, payload = ask(document)
    assert status == 400
    assert refused(payload) == "INVALID_REQUEST"
    assert "aliases" in payload["errors"][0]["message"]
    assert calls(services) == []


def test_a_token_flood_is_refused_at_parse(services: FakeServices) -> None:
    document = "{ me { " + "userId " * (limits.MAX_TOKENS + 1) + "} }"
    status, payload = ask(document)
    assert status == 400
    assert refused(payload) == "INVALID_REQUEST"


def test_a_costly_query_is_refused_with_its_cost(services: FakeServices) -> None:
    # GIVEN ten aliased pages of 100 files, each with its owner's roles (about 700 each)
    one = "files(pageSize: 100) { items { fileId fileName owner { email roles permissions } } }"
    document = "{ " + " ".join(f"f{i}: {one}" for i in range(10)) + " }"
    status, payload = ask(document)
    assert status == 400
    assert refused(payload) == "INVALID_REQUEST"
    assert "costs" in payload["errors"][0]["message"]
    assert calls(services) == []
    # AND one of them alone runs
    status, _ = ask("{ " + one + " }")
    assert status == 200


def test_a_page_size_variable_counts_in_the_cost(services: FakeServices) -> None:
    document = "query Q($n: Int) { users(pageSize: $n) { items { userId email roles permissions status } } }"
    status, payload = ask(document, variables={"n": 100_000})
    assert status == 400
    assert "costs" in payload["errors"][0]["message"]


def test_a_fragment_cycle_is_refused_by_validation(services: FakeServices) -> None:
    document = "{ me { ...A } } fragment A on Me { userId ...B } fragment B on Me { tenantId ...A }"
    status, payload = ask(document)
    assert status == 400
    assert refused(payload) == "INVALID_REQUEST"
    assert "cycle" in payload["errors"][0]["message"] or "itself" in payload["errors"][0]["message"]


def test_a_fragment_fan_out_is_costed_without_expanding_the_walk(services: FakeServices) -> None:
    # GIVEN fragments each spreading the next twice: 2^12 copies of a users page once expanded
    parts = ["fragment F12 on Query { users { total } }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(12)]
    document = "{ ...F0 } " + " ".join(parts)
    started = time.perf_counter()
    status, payload = ask(document)
    # THEN it is refused for what it expands to (4096 pages), at once
    assert status == 400
    assert "costs" in payload["errors"][0]["message"]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("document", ["{ __schema { types { name } } }", '{ __type(name: "User") { name } }'])
def test_introspection_is_refused_to_a_caller_who_may_not_see_every_field(
    services: FakeServices, document: str
) -> None:
    status, payload = ask(document, caller=MEMBER)
    assert status == 403
    assert refused(payload) == "PERMISSION_DENIED"


def test_introspection_is_answered_to_a_caller_who_sees_every_field(services: FakeServices) -> None:
    status, payload = ask("{ __schema { queryType { fields { name } } } }", caller=ADMIN)
    assert status == 200
    names = {f["name"] for f in payload["data"]["__schema"]["queryType"]["fields"]}
    platform = {"me", "users", "roles", "files", "notifications", "audit"}
    apps = {"products", "product", "orders", "order", "readings", "consultations", "pendingExperts"}
    assert names == platform | apps


def test_typename_is_not_introspection(services: FakeServices) -> None:
    status, payload = ask("{ __typename me { __typename userId } }", caller=MEMBER)
    assert status == 200
    assert payload["data"]["me"] == {"__typename": "Me", "userId": "u_jane"}


def test_an_unknown_field_and_a_syntax_error_are_400(services: FakeServices) -> None:
    for document in ("{ me { password } }", "{ me { userId }", "mutation { deleteEverything }"):
        status, payload = ask(document)
        assert status == 400, document
        assert refused(payload) == "INVALID_REQUEST", document


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        ({}, 400),
        ({"query": ""}, 400),
        ({"query": 42}, 400),
        ({"query": "{ me { userId } }", "variables": "x"}, 400),
        ({"query": "{ me { userId } }", "extra": 1}, 400),
        ({"query": "{ me { userId } }" + " " * 20_001}, 400),
    ],
)
def test_a_malformed_body_is_the_platform_s_400_envelope(
    services: FakeServices, body: Any, status: int
) -> None:
    got, payload = call(query_fn, body=body, caller=ADMIN)
    assert got == status
    assert payload["success"] is False
    assert error_code(payload) == "INVALID_REQUEST"
    assert calls(services) == []


def test_a_subscription_posted_over_http_is_refused_it_runs_on_the_websocket(services: FakeServices) -> None:
    status, payload = ask("subscription { notificationCreated { title } }")
    assert status == 400
    assert refused(payload) == "INVALID_REQUEST"
    assert "subscription" in payload["errors"][0]["message"]
    assert services.requests == []
