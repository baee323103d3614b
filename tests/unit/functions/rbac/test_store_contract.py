"""The store contract (`ports.RbacStore`) on both adapters: the DynamoDB store over moto and the
in-memory fake the domain tests use. The conditions the domain relies on hold on both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from functions.rbac import store as dynamodb_store
from functions.rbac.ports import RbacStore, RoleRecord
from shared import outbox
from shared.events import publisher
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.rbac.fakes import FakeRbacStore
from tests.unit.functions.rbac.support import TENANT


@dataclass
class Adapter:
    store: RbacStore
    pending: Callable[[], int]


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Adapter:
    if request.param == "fake":
        return Adapter(FakeRbacStore(fake_outbox), lambda: len(fake_outbox.pending))
    request.getfixturevalue("dynamodb")
    return Adapter(dynamodb_store, outbox.pending_count)


def test_a_role_name_is_taken_once_and_only_an_existing_custom_role_is_replaced(adapter: Adapter) -> None:
    assert adapter.store.insert_role(TENANT, "editor", ["file.read"]) is True
    assert adapter.store.insert_role(TENANT, "editor", ["*"]) is False
    assert adapter.store.replace_role(TENANT, "ghost", ["file.read"], builtin=False) is False
    assert adapter.store.replace_role(TENANT, "editor", ["file.read", "file.upload"], builtin=False) is True
    assert adapter.store.replace_role(TENANT, "member", ["user.read"], builtin=True) is True
    assert adapter.store.stored_roles(TENANT) == [
        RoleRecord("editor", ["file.read", "file.upload"], builtin=False),
        RoleRecord("member", ["user.read"], builtin=True),
    ]
    assert adapter.store.stored_permissions(TENANT, ["editor", "ghost"]) == {
        "editor": ["file.read", "file.upload"]
    }
    assert adapter.store.stored_roles("globex") == []


def test_a_role_is_added_once_and_a_user_is_created_only_when_asked(adapter: Adapter) -> None:
    assert adapter.store.add_user_role(TENANT, "u_1", "member", create=False) == (None, False)
    assert adapter.store.add_user_role(TENANT, "u_1", "member", create=True) == (["member"], True)
    assert adapter.store.add_user_role(TENANT, "u_1", "member", create=True) == (["member"], False)
    assert adapter.store.add_user_role(TENANT, "u_1", "editor", create=False) == (["member", "editor"], True)
    assert adapter.store.user_roles("globex", "u_1") is None


def test_roles_given_at_creation_are_idempotent_but_never_replace_others(adapter: Adapter) -> None:
    assert adapter.store.put_user_roles(TENANT, "u_1", ["member"]) is True
    assert adapter.store.put_user_roles(TENANT, "u_1", ["member"]) is True
    assert adapter.store.put_user_roles(TENANT, "u_1", ["tenant_admin"]) is False
    assert adapter.store.user_roles(TENANT, "u_1") == ["member"]


def test_a_replacement_needs_the_list_read_and_stages_or_withdraws_its_events(adapter: Adapter) -> None:
    adapter.store.add_user_role(TENANT, "u_1", "member", create=True)
    changed = publisher.build(
        "rbac.role_changed",
        {"userId": "u_1", "role": "editor", "change": "assigned", "permissions": []},
        source="rbac",
        tenant_id=TENANT,
    )
    assert (
        adapter.store.replace_user_roles(TENANT, "u_1", seen=[], roles=["editor"], events=[changed]) is False
    )
    assert adapter.pending() == 0
    assert adapter.store.replace_user_roles(
        TENANT, "u_1", seen=["member"], roles=["member", "editor"], events=[changed]
    )
    assert adapter.pending() == 1
    assert adapter.store.replace_user_roles(
        TENANT, "u_1", seen=["member", "editor"], roles=["member"], withdraw=[changed]
    )
    assert adapter.pending() == 0
    assert adapter.store.replace_user_roles(TENANT, "u_new", seen=[], roles=["member"]) is False
    assert adapter.store.user_roles(TENANT, "u_new") is None


def test_users_roles_are_exported_a_page_at_a_time_and_forgotten(adapter: Adapter) -> None:
    for user_id in ("u_1", "u_2", "u_3"):
        adapter.store.add_user_role(TENANT, user_id, "member", create=True)
    first = adapter.store.user_roles_page(TENANT, page_size=2, cursor=None)
    assert first.held == [("u_1", ["member"]), ("u_2", ["member"])]
    assert first.next_cursor is not None
    second = adapter.store.user_roles_page(TENANT, page_size=2, cursor=first.next_cursor)
    assert second.held == [("u_3", ["member"])]
    adapter.store.delete_user_roles(TENANT, "u_1")
    adapter.store.delete_user_roles(TENANT, "u_1")  # absent: fine
    assert adapter.store.user_roles(TENANT, "u_1") is None
