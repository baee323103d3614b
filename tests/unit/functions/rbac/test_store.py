"""The table adapter's guarantees that the routes cannot show on their own."""

from __future__ import annotations

import pytest

from functions.rbac import store
from tests.unit.functions.rbac.support import TENANT, make_user


def test_a_removal_against_a_stale_read_retries_instead_of_removing_the_wrong_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN u_1 holding member, alpha, beta, and a first read that is stale (member not yet seen)
    make_user("u_1")
    store.add_user_role(TENANT, "u_1", "alpha", create=False)
    store.add_user_role(TENANT, "u_1", "beta", create=False)
    real = store.user_roles
    reads = iter([["alpha", "beta"]])
    monkeypatch.setattr(store, "user_roles", lambda t, u: next(reads, None) or real(t, u))
    # WHEN beta is removed (the stale index 1 holds alpha in the table)
    held, changed = store.remove_user_role(TENANT, "u_1", "beta")
    # THEN the conditional removal refused the stale index, and the retry removed beta only
    assert changed is True
    assert held == ["member", "alpha"]


def test_add_creates_the_user_only_when_asked() -> None:
    assert store.add_user_role(TENANT, "u_new", "member", create=False) == (None, False)
    assert store.user_roles(TENANT, "u_new") is None
    assert store.add_user_role(TENANT, "u_new", "member", create=True) == (["member"], True)


def test_a_role_item_is_not_replaced_by_a_create() -> None:
    assert store.insert_role(TENANT, "editor", ["file.read"]) is True
    assert store.insert_role(TENANT, "editor", ["*"]) is False
    role = store.stored_role(TENANT, "editor")
    assert role is not None
    assert role.granted == ["file.read"]
