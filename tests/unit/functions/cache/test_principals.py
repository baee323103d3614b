"""Principal epochs and statuses, and the service-token gate on every route."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from functions.cache import (
    principals_tenant,
    principals_user,
    sessions_check,
    sessions_create,
    sessions_revoke,
    sessions_rotate,
)
from shared import service_token
from tests.unit.functions.cache.support import (
    OTHER_TENANT,
    TENANT,
    USER,
    data,
    error,
    rotate_body,
    session_body,
    stored_principal,
)


def test_the_user_epoch_increments_on_every_change() -> None:
    # GIVEN no principal  WHEN it is bumped three times (one with a status)
    body = {"tenantId": TENANT, "userId": USER}
    epochs = [
        data(principals_user, body)["epoch"],
        data(principals_user, {**body, "status": "suspended"})["epoch"],
        data(principals_user, body)["epoch"],
    ]
    # THEN 1, 2, 3, and a bump without a status keeps the last one set
    assert epochs == [1, 2, 3]
    item = stored_principal(f"TENANT#{TENANT}#USER#{USER}")
    assert item is not None
    assert (item.status, item.epoch) == ("suspended", 3)


def test_epochs_are_per_user_and_per_tenant() -> None:
    data(principals_user, {"tenantId": TENANT, "userId": USER})
    assert data(principals_user, {"tenantId": TENANT, "userId": "u_bob"})["epoch"] == 1
    assert data(principals_user, {"tenantId": OTHER_TENANT, "userId": USER})["epoch"] == 1


def test_the_tenant_epoch_increments_and_sets_the_status() -> None:
    # GIVEN a tenant  WHEN it is suspended then reactivated  THEN its epoch is 1 then 2
    assert data(principals_tenant, {"tenantId": TENANT, "status": "suspended"}) == {"epoch": 1}
    assert data(principals_tenant, {"tenantId": TENANT, "status": "active"}) == {"epoch": 2}
    item = stored_principal(f"TENANT#{TENANT}")
    assert item is not None
    assert item.status == "active"
    # AND the tenant's epoch is not the user's
    assert data(principals_user, {"tenantId": TENANT, "userId": USER})["epoch"] == 1


@pytest.mark.parametrize(
    ("module", "body", "field"),
    [
        (principals_user, {"tenantId": TENANT, "userId": USER, "status": "banned"}, "status"),
        (principals_user, {"tenantId": "-acme", "userId": USER}, "tenantId"),
        (principals_user, {"tenantId": TENANT, "userId": ""}, "userId"),
        (principals_tenant, {"tenantId": TENANT, "status": "deleted"}, "status"),
        (principals_tenant, {"tenantId": TENANT}, "status"),
        (principals_tenant, {"tenantId": "acme_corp", "status": "active"}, "tenantId"),
    ],
)
def test_bad_principal_input_is_400(module: ModuleType, body: dict[str, Any], field: str) -> None:
    status, err = error(module, body)
    assert (status, err["code"], err["field"]) == (400, "INVALID_REQUEST", field)


ROUTES: list[tuple[ModuleType, dict[str, Any]]] = [
    (sessions_create, session_body()),
    (sessions_check, {"tenantId": TENANT, "userId": USER, "sessionId": "s_" + "0" * 32}),
    (sessions_rotate, rotate_body("acme.u_1.s_" + "0" * 32 + "." + "a" * 43)),
    (sessions_revoke, {"tenantId": TENANT, "sessionId": "s_" + "0" * 32}),
    (principals_user, {"tenantId": TENANT, "userId": USER}),
    (principals_tenant, {"tenantId": TENANT, "status": "suspended"}),
]


@pytest.mark.parametrize(("module", "body"), ROUTES)
def test_every_route_needs_a_service_token(module: ModuleType, body: dict[str, Any]) -> None:
    # GIVEN no service token  WHEN any cache route is called  THEN 401 and nothing was written
    status, err = error(module, body, token=None)
    assert status == 401
    assert err["code"] == "INVALID_TOKEN"
    assert stored_principal(f"TENANT#{TENANT}") is None
    assert stored_principal(f"TENANT#{TENANT}#USER#{USER}") is None


@pytest.mark.parametrize(("module", "body"), ROUTES)
def test_a_token_for_another_service_is_refused(module: ModuleType, body: dict[str, Any]) -> None:
    # GIVEN a valid service token whose audience is users, not cache  THEN 401
    status, err = error(module, body, token=service_token.issue("gateway", audience="users"))
    assert (status, err["code"]) == (401, "INVALID_TOKEN")
