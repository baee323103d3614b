"""Consent: an owner grants a verified expert of the same tenant read access until a time; the expert's
reads without it, after it expired, or across tenants are refused; every read by the expert is audited."""

from __future__ import annotations

from apps.health import (
    experts_list,
    experts_register,
    experts_verify,
    grants_create,
    grants_revoke,
    readings_create,
    readings_list,
    store,
)
from shared.events.model import ServiceEvent
from tests.kit import call, error_code, user
from tests.unit.apps.health.helpers import (
    ADMIN,
    ANN,
    BOB,
    DRE,
    GLOBEX_ADMIN,
    GUS,
    ago,
    later,
    reading,
    verified_expert,
)


def test_a_granted_expert_reads_the_owners_readings_and_the_read_is_audited(
    published: list[ServiceEvent],
) -> None:
    # GIVEN dre is a verified expert of acme, and ann granted him access until tomorrow
    verified_expert(DRE, ADMIN)
    call(readings_create, caller=ANN, body=reading("glucose", 5.5, "mmol/L"))
    status, body = call(grants_create, caller=ANN, body={"expertId": "u_dre", "expiresAt": later(days=1)})
    assert (status, body["data"]["expertId"], body["data"]["ownerId"]) == (201, "u_dre", "u_ann")
    # WHEN dre reads ann's readings
    status, body = call(readings_list, caller=DRE, query={"userId": "u_ann"})
    # THEN he sees them, and one health.data_accessed names him as the actor and ann as the subject
    assert status == 200
    assert [r["value"] for r in body["data"]] == [5.5]
    accessed = [e for e in published if e.type == "health.data_accessed"]
    assert len(accessed) == 1
    assert (accessed[0].user_id, accessed[0].data["userId"], accessed[0].data["count"]) == (
        "u_dre",
        "u_ann",
        1,
    )
    assert accessed[0].tenant_id == "acme"


def test_the_owners_own_reads_are_not_audited(published: list[ServiceEvent]) -> None:
    call(readings_create, caller=ANN, body=reading())
    call(readings_list, caller=ANN)
    call(readings_list, caller=ANN, query={"userId": "u_ann"})
    assert [e for e in published if e.type == "health.data_accessed"] == []


def test_an_expert_without_a_grant_is_refused(published: list[ServiceEvent]) -> None:
    verified_expert(DRE, ADMIN)
    call(readings_create, caller=ANN, body=reading())
    status, body = call(readings_list, caller=DRE, query={"userId": "u_ann"})
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    assert [e for e in published if e.type == "health.data_accessed"] == []


def test_an_expert_whose_grant_expired_is_refused() -> None:
    # GIVEN a grant that expired a minute ago (TTL deletion is lazy: the item may still be there)
    verified_expert(DRE, ADMIN)
    call(readings_create, caller=ANN, body=reading())
    past = {"ownerId": "u_ann", "expertId": "u_dre", "expiresAt": ago(minutes=1), "createdAt": ago(days=2)}
    store.put_grant("acme", past, 0)
    status, body = call(readings_list, caller=DRE, query={"userId": "u_ann"})
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


def test_a_grant_cannot_be_made_already_expired_or_to_oneself() -> None:
    verified_expert(DRE, ADMIN)
    status, body = call(grants_create, caller=ANN, body={"expertId": "u_dre", "expiresAt": ago(minutes=1)})
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    status, body = call(grants_create, caller=DRE, body={"expertId": "u_dre", "expiresAt": later(days=1)})
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_a_grant_for_another_tenants_expert_is_404() -> None:
    # GIVEN gus is a verified expert — of globex
    verified_expert(GUS, GLOBEX_ADMIN)
    # WHEN ann of acme grants him access
    status, body = call(grants_create, caller=ANN, body={"expertId": "u_gus", "expiresAt": later(days=1)})
    # THEN no such expert exists for her, and gus still reads nothing of hers
    assert (status, error_code(body)) == (404, "NOT_FOUND")
    status, body = call(readings_list, caller=GUS, query={"userId": "u_ann"})
    assert status == 403


def test_a_grant_for_an_unverified_expert_or_a_plain_member_is_404() -> None:
    call(experts_register, caller=DRE, body={"name": "Dr Dre", "specialty": "cardiology"})
    for expert in ("u_dre", "u_bob"):
        status, body = call(grants_create, caller=ANN, body={"expertId": expert, "expiresAt": later(days=1)})
        assert (status, error_code(body)) == (404, "NOT_FOUND")


def test_only_a_holder_of_health_expert_verify_verifies_experts() -> None:
    call(experts_register, caller=DRE, body={"name": "Dr Dre", "specialty": "cardiology"})
    status, body = call(experts_verify, caller=BOB, params={"expertId": "u_dre"})
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    verifier = user("u_v", tenant="acme", permissions=("health.expert.verify",), roles=("verifier",))
    status, body = call(experts_verify, caller=verifier, params={"expertId": "u_dre"})
    assert (status, body["data"]["status"]) == (200, "verified")


def test_another_tenants_admin_cannot_verify_our_expert() -> None:
    call(experts_register, caller=DRE, body={"name": "Dr Dre", "specialty": "cardiology"})
    status, _ = call(experts_verify, caller=GLOBEX_ADMIN, params={"expertId": "u_dre"})
    assert status == 404


def test_members_see_verified_experts_only_and_registering_twice_is_409() -> None:
    call(experts_register, caller=DRE, body={"name": "Dr Dre", "specialty": "cardiology"})
    status, _body = call(experts_register, caller=DRE, body={"name": "Dr Dre", "specialty": "cardiology"})
    assert status == 409
    assert call(experts_list, caller=BOB)[1]["data"] == []
    assert [e["expertId"] for e in call(experts_list, caller=ADMIN)[1]["data"]] == ["u_dre"]
    call(experts_verify, caller=ADMIN, params={"expertId": "u_dre"})
    assert [e["status"] for e in call(experts_list, caller=BOB)[1]["data"]] == ["verified"]


def test_a_revoked_grant_stops_the_experts_reads_at_once() -> None:
    verified_expert(DRE, ADMIN)
    call(readings_create, caller=ANN, body=reading())
    call(grants_create, caller=ANN, body={"expertId": "u_dre", "expiresAt": later(days=1)})
    assert call(readings_list, caller=DRE, query={"userId": "u_ann"})[0] == 200
    assert call(grants_revoke, caller=ANN, params={"expertId": "u_dre"})[0] == 204
    status, body = call(readings_list, caller=DRE, query={"userId": "u_ann"})
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


def test_a_reading_time_whose_offset_leaves_the_calendar_is_400_not_500() -> None:
    for when in ("0001-01-01T00:00:00+10:00",):
        status, body = call(readings_create, caller=ANN, body={**reading(), "measuredAt": when})
        assert (status, error_code(body)) == (400, "INVALID_REQUEST")
        status, body = call(readings_list, caller=ANN, query={"from": when})
        assert (status, error_code(body)) == (400, "INVALID_REQUEST")
