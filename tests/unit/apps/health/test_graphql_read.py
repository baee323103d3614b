"""The health app's GraphQL read route (shared.app_graphql): the acting user's readings (an expert only
under a grant), consultations with a batch of their experts, the verifier's queue behind its permission."""

from __future__ import annotations

from typing import Any

from apps.health import bookings_create, experts_register, graphql_read, readings_batch, slots_create
from shared.context import Headers, UserContext
from tests.kit import call, user
from tests.unit.apps.health.helpers import ADMIN, ANN, BOB, DRE, GUS, later, reading, verified_expert


def read(body: dict[str, Any], caller: UserContext) -> tuple[int, Any]:
    return call(
        graphql_read, body=body, service="graphql", headers={Headers.USER_CONTEXT: caller.to_header()}
    )


def test_readings_are_the_callers_own_and_an_expert_needs_a_grant() -> None:
    batch = {"readings": [reading(value=60 + v, minutes=10 - v) for v in (1, 2, 3)]}
    status, created = call(readings_batch, body=batch, caller=ANN)
    assert status == 201, created
    status, body = read({"operation": "readings", "arguments": {"type": "heart_rate", "pageSize": 50}}, ANN)
    assert status == 200, body
    assert [r["value"] for r in body["data"]["value"]["items"]] == [61, 62, 63]
    # bob has none; dre (no grant) may not read ann's
    assert read({"operation": "readings"}, BOB)[1]["data"]["value"]["items"] == []
    status, body = read({"operation": "readings", "arguments": {"userId": ANN.user_id}}, DRE)
    assert status in (403, 404), body
    # a bad type or range is the REST route's 400
    assert read({"operation": "readings", "arguments": {"type": "mood"}}, ANN)[0] == 400
    assert read({"operation": "readings", "arguments": {"from": "x" * 65}}, ANN)[0] == 400


def test_consultations_and_their_experts_in_one_batch() -> None:
    verified_expert(DRE, ADMIN)
    status, slot = call(
        slots_create, caller=DRE, params={"expertId": DRE.user_id}, body={"startsAt": later(days=1)}
    )
    assert status == 201, slot
    assert call(bookings_create, caller=ANN, body={"slotId": slot["data"]["slotId"]})[0] == 201
    status, body = read({"operation": "consultations"}, ANN)
    assert status == 200, body
    [consultation] = body["data"]["value"]
    assert (consultation["expertId"], consultation["status"]) == (DRE.user_id, "booked")
    assert consultation["consultationId"].startswith("bk_")
    assert read({"operation": "consultations"}, BOB)[1]["data"]["value"] == []
    status, body = read({"operation": "expertsById", "keys": [DRE.user_id, "u_nobody"]}, ANN)
    assert body["data"]["found"][DRE.user_id]["name"] == "Dr Dre"
    assert body["data"]["found"]["u_nobody"] is None
    # another tenant's user with the same expert id finds nobody
    assert read({"operation": "expertsById", "keys": [DRE.user_id]}, GUS)[1]["data"]["found"] == {
        DRE.user_id: None
    }


def test_the_verification_queue_needs_its_permission() -> None:
    assert call(experts_register, caller=BOB, body={"name": "Dr Bob", "specialty": "sleep"})[0] == 201
    status, body = read({"operation": "pendingExperts"}, ANN)
    assert (status, body["error"]["code"]) == (403, "PERMISSION_DENIED")
    status, body = read({"operation": "pendingExperts"}, ADMIN)
    assert [e["expertId"] for e in body["data"]["value"]] == [BOB.user_id]


def test_a_tenant_that_has_not_enabled_health_is_forbidden() -> None:
    status, body = read({"operation": "consultations"}, user("u_i", tenant="initech"))
    assert (status, body["error"]["code"]) == (403, "FORBIDDEN")
