"""The table adapter's guarantees that the routes cannot show on their own."""

from __future__ import annotations

import pytest

from functions.rbac import store
from shared import outbox
from shared.events import publisher
from tests.unit.functions.rbac.support import TENANT, make_user

pytestmark = pytest.mark.usefixtures("dynamodb")


def test_a_replacement_against_a_stale_read_writes_nothing_and_stages_nothing() -> None:
    # GIVEN u_1 holding member and alpha, and an event built from a read that missed alpha
    make_user("u_1")
    store.add_user_role(TENANT, "u_1", "alpha", create=False)
    changed = publisher.build(
        "rbac.role_changed",
        {"userId": "u_1", "role": "member", "change": "removed", "permissions": []},
        source="rbac",
        tenant_id=TENANT,
    )
    # WHEN the list is replaced on the strength of that read
    written = store.replace_user_roles(TENANT, "u_1", seen=["member"], roles=[], events=[changed])
    # THEN neither the roles nor the event were written: the caller reads again
    assert written is False
    assert store.user_roles(TENANT, "u_1") == ["member", "alpha"]
    assert outbox.pending_count() == 0
    # AND against the current list, both are written in one transaction
    assert store.replace_user_roles(
        TENANT, "u_1", seen=["member", "alpha"], roles=["alpha"], events=[changed]
    )
    assert store.user_roles(TENANT, "u_1") == ["alpha"]
    assert outbox.pending_count() == 1


def test_an_unknown_user_is_never_created_by_a_replacement() -> None:
    assert store.replace_user_roles(TENANT, "u_new", seen=[], roles=["member"]) is False
    assert store.user_roles(TENANT, "u_new") is None


def test_add_creates_the_user_only_when_asked() -> None:
    assert store.add_user_role(TENANT, "u_new", "member", create=False) == (None, False)
    assert store.user_roles(TENANT, "u_new") is None
    assert store.add_user_role(TENANT, "u_new", "member", create=True) == (["member"], True)


def test_a_role_item_is_not_replaced_by_a_create() -> None:
    assert store.insert_role(TENANT, "editor", ["file.read"]) is True
    assert store.insert_role(TENANT, "editor", ["*"]) is False
    role = store.stored_role(TENANT, "editor")
    assert role is not None
    assert role.permissions == ["file.read"]


def test_concurrent_assignments_are_all_kept() -> None:
    # GIVEN four custom roles assigned to u_1 at the same time
    from concurrent.futures import ThreadPoolExecutor

    make_user("u_1")
    names = ["alpha", "beta", "gamma", "delta"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda name: store.add_user_role(TENANT, "u_1", name, create=False), names))
    # THEN none was lost
    held = store.user_roles(TENANT, "u_1")
    assert held is not None
    assert sorted(held) == sorted(["member", *names])
