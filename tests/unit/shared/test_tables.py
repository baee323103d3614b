"""The table base: tenant-prefixed keys that cannot be forged, expired items invisible, cursor pages."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from moto import mock_aws
from pynamodb.attributes import UnicodeAttribute

from shared.declarations import Table
from shared.errors import InvalidRequest
from shared.tables import Item, table_meta, tenant_key
from stratus.provision import create_table


class Note(Item):
    Meta = table_meta("notes")
    text = UnicodeAttribute()


@pytest.fixture(autouse=True)
def _table() -> Iterator[None]:
    with mock_aws():
        create_table(Table("notes"))
        yield


def test_keys_start_with_the_tenant() -> None:
    assert tenant_key("acme-corp", "USER", "u_1") == "TENANT#acme-corp#USER#u_1"


@pytest.mark.parametrize(
    ("tenant", "parts"), [("acme#USER#u_2", ("X",)), ("Acme", ("X",)), ("acme", ("a#b",))]
)
def test_a_key_part_cannot_smuggle_another_tenants_prefix(tenant: str, parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match=r"tenant id|may not contain"):
        tenant_key(tenant, *parts)


def test_expired_items_are_invisible_to_reads_even_before_ttl_deletes_them() -> None:
    pk = tenant_key("acme", "NOTE")
    Note(pk, "live", text="a").save()
    Note(pk, "gone", text="b", expires_at=int(time.time()) - 1).save()
    assert Note.get_live(pk, "live") is not None
    assert Note.get_live(pk, "gone") is None
    items, _ = Note.page(pk, page_size=10, cursor=None)
    assert [n.sk for n in items] == ["live"]


def test_pages_follow_the_cursor_within_one_partition_only() -> None:
    mine, theirs = tenant_key("acme", "NOTE"), tenant_key("globex", "NOTE")
    for n in range(5):
        Note(mine, f"n{n}", text=str(n)).save()
        Note(theirs, f"n{n}", text="other").save()
    first, cursor = Note.page(mine, page_size=2, cursor=None)
    second, cursor2 = Note.page(mine, page_size=2, cursor=cursor)
    third, cursor3 = Note.page(mine, page_size=2, cursor=cursor2)
    assert [n.sk for n in first + second + third] == ["n0", "n1", "n2", "n3", "n4"]
    assert all(n.pk == mine for n in first + second + third)
    assert cursor3 is None


def test_a_tampered_cursor_is_invalid_request() -> None:
    with pytest.raises(InvalidRequest):
        Note.page(tenant_key("acme", "NOTE"), page_size=2, cursor="eyJrIjoxfQ")


def test_models_follow_the_settings_after_import(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.config import settings

    monkeypatch.setenv("STRATUS_RESOURCE_PREFIX", "other-stage")
    settings.cache_clear()
    assert Note.Meta.table_name == "other-stage-notes"
