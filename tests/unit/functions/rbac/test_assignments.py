"""Reading and changing a user's roles through the public routes: permissions, events, cache, isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.rbac import assign, roles_create, unassign, user_permissions
from shared.context import UserContext
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import IncomingResponse, OutgoingRequest
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.rbac.fakes import FakeRbacStore
from tests.unit.functions.rbac.support import (
    MEMBER_PERMISSIONS,
    OTHER_TENANT,
    TENANT,
    FakeCache,
    call,
    error_code,
    make_user,
    user,
)

ADMIN = user("u_admin")
ROLE_ASSIGNER = user("u_assigner", permissions=("role.assign", "file.*", "user.read", "notification.read"))
MEMBER = user("u_member", permissions=tuple(MEMBER_PERMISSIONS))


def permissions_of(user_id: str, caller: UserContext = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(
        user_permissions,
        f"/api/v1/users/{user_id}/permissions",
        path_params={"userId": user_id},
        caller=caller,
    )


def give(user_id: str, role: str, caller: UserContext = ADMIN, **headers: str) -> tuple[int, dict[str, Any]]:
    return call(
        assign,
        f"/api/v1/users/{user_id}/roles",
        path_params={"userId": user_id},
        body={"role": role},
        caller=caller,
        headers=headers,
    )


def take(user_id: str, role: str, caller: UserContext = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(
        unassign,
        f"/api/v1/users/{user_id}/roles/{role}",
        path_params={"userId": user_id, "role": role},
        caller=caller,
    )


def create_role(name: str, granted: list[str], caller: UserContext = ADMIN) -> None:
    status, payload = call(
        roles_create, "/api/v1/roles", body={"name": name, "permissions": granted}, caller=caller
    )
    assert status == 201, payload


# --- user-permissions ----------------------------------------------------------------------------------
def test_a_user_reads_their_own_permissions_without_user_read() -> None:
    make_user("u_self")
    me = user("u_self", permissions=("file.read",))
    status, payload = permissions_of("u_self", caller=me)
    assert status == 200
    assert payload["data"] == {"userId": "u_self", "roles": ["member"], "permissions": MEMBER_PERMISSIONS}


def test_reading_another_users_permissions_needs_user_read() -> None:
    make_user("u_1")
    status, payload = permissions_of("u_1", caller=user("u_self", permissions=("file.read",)))
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"
    assert permissions_of("u_1", caller=MEMBER)[0] == 200  # member holds user.read


def test_permissions_of_an_unknown_user_are_404() -> None:
    status, payload = permissions_of("u_nobody")
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"


def test_another_tenants_user_is_404_even_when_the_id_exists_there() -> None:
    # GIVEN u_1 exists in globex only  WHEN acme's admin asks for u_1  THEN 404, never globex's roles
    make_user("u_1", tenant=OTHER_TENANT, user_type="tenant_admin")
    status, payload = permissions_of("u_1")
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"


def test_the_same_id_in_two_tenants_answers_each_tenants_own_roles() -> None:
    make_user("u_1", tenant=OTHER_TENANT, user_type="tenant_admin")
    make_user("u_1")
    assert permissions_of("u_1")[1]["data"]["roles"] == ["member"]
    theirs = permissions_of("u_1", caller=user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert theirs["roles"] == ["tenant_admin"]


# --- assign --------------------------------------------------------------------------------------------
def test_assigning_a_role_publishes_the_change_and_refreshes_the_principal(
    events: list[ServiceEvent], cache: FakeCache
) -> None:
    # GIVEN member u_1 and a custom role
    make_user("u_1")
    create_role("reporter", ["report.read"])
    # WHEN the admin assigns it
    status, payload = give("u_1", "reporter")
    # THEN the user holds both roles
    assert status == 200
    assert payload["data"] == {"userId": "u_1", "roles": ["member", "reporter"]}
    # AND cache bumped u_1's principal epoch, as rbac, for acme
    assert [(r.service, r.method, r.path) for r in cache.requests] == [
        ("cache", "POST", "/internal/principals/user")
    ]
    assert cache.bodies() == [{"tenantId": TENANT, "userId": "u_1"}]
    assert cache.requests[0].headers["x-service-name"] == "rbac"
    # AND rbac.role_changed carries the user's new effective permissions
    assert len(events) == 1
    event = events[0]
    assert (event.type, event.source, event.tenant_id) == ("rbac.role_changed", "rbac", TENANT)
    assert event.data == {
        "userId": "u_1",
        "role": "reporter",
        "change": "assigned",
        "permissions": sorted([*MEMBER_PERMISSIONS, "report.read"]),
    }
    assert permissions_of("u_1")[1]["data"]["permissions"] == sorted([*MEMBER_PERMISSIONS, "report.read"])


def test_assigning_a_held_role_changes_nothing_and_announces_nothing(
    events: list[ServiceEvent], cache: FakeCache
) -> None:
    make_user("u_1")
    status, payload = give("u_1", "member")
    assert status == 200
    assert payload["data"] == {"userId": "u_1", "roles": ["member"]}
    assert events == []
    assert cache.requests == []


def test_assigning_an_unknown_role_is_404(events: list[ServiceEvent]) -> None:
    make_user("u_1")
    status, payload = give("u_1", "ghost")
    assert status == 404
    assert error_code(payload) == "ROLE_NOT_FOUND"
    assert events == []


def test_assigning_to_an_unknown_user_is_404_and_creates_no_user(
    events: list[ServiceEvent], cache: FakeCache
) -> None:
    status, payload = give("u_nobody", "member")
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"
    assert permissions_of("u_nobody")[0] == 404
    assert events == []
    assert cache.requests == []


def test_assigning_to_another_tenants_user_is_404_and_leaves_them_untouched() -> None:
    # GIVEN globex's member u_1  WHEN acme's admin gives u_1 tenant_admin
    make_user("u_1", tenant=OTHER_TENANT)
    status, payload = give("u_1", "tenant_admin")
    # THEN 404, and globex's u_1 is still only a member
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"
    theirs = permissions_of("u_1", caller=user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert theirs["roles"] == ["member"]


def test_another_tenants_custom_role_cannot_be_assigned() -> None:
    make_user("u_1")
    create_role("reporter", ["report.read"], caller=user("u_x", tenant=OTHER_TENANT))
    status, payload = give("u_1", "reporter")
    assert status == 404
    assert error_code(payload) == "ROLE_NOT_FOUND"


def test_the_tenant_header_cannot_point_an_assignment_at_another_tenant() -> None:
    make_user("u_1", tenant=OTHER_TENANT)
    status, payload = give("u_1", "tenant_admin", **{"X-Tenant-ID": OTHER_TENANT})
    assert status == 403
    assert error_code(payload) == "FORBIDDEN"
    theirs = permissions_of("u_1", caller=user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert theirs["roles"] == ["member"]


def test_assigning_needs_role_assign() -> None:
    make_user("u_member")
    status, payload = give("u_member", "tenant_admin", caller=MEMBER)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"
    assert permissions_of("u_member")[1]["data"]["roles"] == ["member"]


def test_role_assign_alone_cannot_hand_out_tenant_admin(events: list[ServiceEvent]) -> None:
    # GIVEN a user holding role.assign but not `*`  WHEN they make themselves tenant_admin  THEN 403
    make_user("u_assigner")
    status, payload = give("u_assigner", "tenant_admin", caller=ROLE_ASSIGNER)
    assert status == 403
    assert error_code(payload) == "INSUFFICIENT_PERMISSIONS"
    assert permissions_of("u_assigner")[1]["data"]["roles"] == ["member"]
    assert events == []
    # AND a role within what they hold is theirs to hand out
    create_role("uploader", ["file.upload"])
    assert give("u_assigner", "uploader", caller=ROLE_ASSIGNER)[0] == 200


@pytest.mark.parametrize(
    "body", [{"role": "Tenant_Admin"}, {"role": "x#y"}, {}, {"role": "member", "tenantId": OTHER_TENANT}]
)
def test_a_malformed_assignment_is_400(body: dict[str, Any]) -> None:
    make_user("u_1")
    status, payload = call(
        assign, "/api/v1/users/u_1/roles", path_params={"userId": "u_1"}, body=body, caller=ADMIN
    )
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"


# --- unassign ------------------------------------------------------------------------------------------
def test_removing_a_role_publishes_the_change_and_refreshes_the_principal(
    events: list[ServiceEvent], cache: FakeCache
) -> None:
    # GIVEN u_1 holding member and tenant_admin
    make_user("u_1")
    give("u_1", "tenant_admin")
    events.clear()
    cache.requests.clear()
    # WHEN tenant_admin is removed
    status, payload = take("u_1", "tenant_admin")
    # THEN only member is left, cache was told, and the event carries the permissions left
    assert status == 200
    assert payload["data"] == {"userId": "u_1", "roles": ["member"]}
    assert cache.bodies() == [{"tenantId": TENANT, "userId": "u_1"}]
    assert [e.data for e in events] == [
        {"userId": "u_1", "role": "tenant_admin", "change": "removed", "permissions": MEMBER_PERMISSIONS}
    ]


def test_the_last_role_may_be_removed() -> None:
    make_user("u_1")
    status, payload = take("u_1", "member")
    assert status == 200
    assert payload["data"] == {"userId": "u_1", "roles": []}
    # AND the user is still known, holding nothing
    assert permissions_of("u_1")[1]["data"] == {"userId": "u_1", "roles": [], "permissions": []}


def test_a_user_left_without_roles_can_be_given_one_again() -> None:
    make_user("u_1")
    assert take("u_1", "member")[1]["data"]["roles"] == []
    status, payload = give("u_1", "member")
    assert (status, payload["data"]["roles"]) == (200, ["member"])


def test_removing_a_role_not_held_changes_nothing(events: list[ServiceEvent], cache: FakeCache) -> None:
    make_user("u_1")
    status, payload = take("u_1", "tenant_admin")
    assert status == 200
    assert payload["data"] == {"userId": "u_1", "roles": ["member"]}
    assert events == []
    assert cache.requests == []


def test_removing_from_an_unknown_or_foreign_user_is_404() -> None:
    make_user("u_1", tenant=OTHER_TENANT)
    status, payload = take("u_1", "member")
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"
    theirs = permissions_of("u_1", caller=user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert theirs["roles"] == ["member"]


def test_removing_needs_role_assign() -> None:
    make_user("u_1")
    status, payload = take("u_1", "member", caller=MEMBER)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"


def test_role_assign_alone_cannot_strip_an_admin() -> None:
    make_user("u_boss", user_type="tenant_admin")
    status, payload = take("u_boss", "tenant_admin", caller=ROLE_ASSIGNER)
    assert status == 403
    assert error_code(payload) == "INSUFFICIENT_PERMISSIONS"
    assert permissions_of("u_boss")[1]["data"]["roles"] == ["tenant_admin"]


def test_a_deleted_custom_role_can_still_be_removed_and_grants_nothing(rbac_store: FakeRbacStore) -> None:
    # GIVEN u_1 holding a role whose item no longer exists (rbac has no role delete; simulate one)
    make_user("u_1")
    rbac_store.add_user_role(TENANT, "u_1", "legacy", create=False)
    assert permissions_of("u_1")[1]["data"]["permissions"] == MEMBER_PERMISSIONS
    status, payload = take("u_1", "legacy", caller=ROLE_ASSIGNER)
    assert status == 200
    assert payload["data"]["roles"] == ["member"]


def test_a_cache_failure_is_reported_not_swallowed(
    cache: FakeCache, rbac_store: FakeRbacStore, fake_outbox: InMemoryOutbox
) -> None:
    # GIVEN cache refusing principals-user (a broken deployment)
    make_user("u_1")

    def refuse(request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        return IncomingResponse(404, {"success": False, "error": {"code": "NOT_FOUND", "message": "no"}})

    cache.send = refuse  # type: ignore[method-assign]
    # WHEN a role is assigned  THEN the caller sees cache's error, not a silent success
    status, payload = give("u_1", "tenant_admin")
    assert status == 404
    assert error_code(payload) == "NOT_FOUND"
    # AND the answer tells the truth: the role was not granted, and no event is left to announce it
    assert rbac_store.user_roles(TENANT, "u_1") == ["member"]
    assert fake_outbox.pending == []


def test_a_change_stands_and_succeeds_while_the_bus_is_down(
    monkeypatch: pytest.MonkeyPatch, fake_outbox: InMemoryOutbox
) -> None:
    # GIVEN a bus refusing PutEvents
    make_user("u_1")

    def bus_down(*_events: ServiceEvent) -> None:
        raise QueueUnavailable("PutEvents refused")

    monkeypatch.setattr(publisher, "send", bus_down)
    # WHEN a role is assigned, then removed
    assert give("u_1", "tenant_admin")[0] == 200
    status, payload = take("u_1", "member")
    # THEN both answered 200 and stand, and both events wait in the outbox for the drain
    assert (status, payload["data"]["roles"]) == (200, ["tenant_admin"])
    assert [(e.data["role"], e.data["change"]) for e in fake_outbox.pending] == [
        ("tenant_admin", "assigned"),
        ("member", "removed"),
    ]


def test_a_change_against_a_stale_read_reads_again_and_removes_only_that_role(
    monkeypatch: pytest.MonkeyPatch, events: list[ServiceEvent], rbac_store: FakeRbacStore
) -> None:
    # GIVEN u_1 holding member, alpha, beta, and a first read that is stale (member not yet seen)
    make_user("u_1")
    for name in ("alpha", "beta"):
        create_role(name, [f"{name}.read"])
        rbac_store.add_user_role(TENANT, "u_1", name, create=False)
    real = rbac_store.user_roles
    reads = iter([["alpha", "beta"]])
    monkeypatch.setattr(rbac_store, "user_roles", lambda t, u: next(reads, None) or real(t, u))
    # WHEN beta is removed
    status, payload = take("u_1", "beta")
    # THEN the write against the stale list was refused, and the retry removed beta only
    assert (status, payload["data"]["roles"]) == (200, ["member", "alpha"])
    [event] = events
    assert event.data["permissions"] == sorted([*MEMBER_PERMISSIONS, "alpha.read"])


def test_the_event_body_is_what_the_schema_requires(events: list[ServiceEvent]) -> None:
    from shared.events import catalog

    make_user("u_1")
    give("u_1", "tenant_admin")
    catalog.validate("rbac.role_changed", events[0].data)
    assert json.loads(json.dumps(events[0].data))["permissions"] == ["*", *MEMBER_PERMISSIONS]
