"""Search: the indexer follows product events into a versioned index in S3, and the storefront searches
it — full text with highlights, every filter operator, sort, facets, paging, autocomplete — with user
query syntax that can never inject a field, a regex or a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.marketplace import (
    products_delete,
    products_update,
    search_autocomplete,
    search_products,
    search_rebuild,
    search_status,
    search_storage,
    subscriber,
)
from shared.events.model import ServiceEvent
from stratus.provision import create_bucket
from tests.kit import call, deliver, error_code
from tests.unit.apps.marketplace.conftest import ADMIN, GLOBEX, MEMBER, new_product, product_body

STORE = {"x-tenant-id": "acme"}


@pytest.fixture(autouse=True)
def index_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_resources: None) -> Iterator[None]:
    monkeypatch.setenv("STRATUS_SEARCH_CACHE", str(tmp_path))
    create_bucket()
    search_storage.forget_cache()
    yield
    search_storage.forget_cache()


def indexed(published: list[ServiceEvent]) -> None:
    """Hand every product/search event published so far to the indexer, as the queue would."""
    wanted = [e for e in published if e.type.startswith(("product.", "search."))]
    published.clear()
    assert deliver(subscriber, wanted) == []
    search_storage.forget_cache()


def find(body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    return call(search_products, body=body, headers=headers or STORE)


def catalog(published: list[ServiceEvent]) -> dict[str, str]:
    ids = {
        "falcon": new_product(
            name="Falcon X4 racing drone",
            description="A fast quadcopter with a 4K camera",
            tags=["fpv", "racing"],
            pricing={"amount": 129900, "currency": "USD"},
        ),
        "hawk": new_product(
            name="Hawk mapping drone",
            description="Survey grade mapping with RTK",
            tags=["mapping"],
            pricing={"amount": 349900, "currency": "USD"},
        ),
        "gimbal": new_product(
            name="Steady gimbal",
            category="cameras",
            description="Three axis camera stabiliser",
            tags=["camera"],
            pricing={"amount": 19900, "currency": "USD"},
        ),
    }
    indexed(published)
    return ids


def test_full_text_with_highlights_and_facets(published: list[ServiceEvent]) -> None:
    ids = catalog(published)
    status, body = find({"query": "drone", "facets": ["category", "tags"]})
    assert status == 200
    result = body["data"]
    assert {h["productId"] for h in result["hits"]} == {ids["falcon"], ids["hawk"]}
    assert all(h["score"] > 0 for h in result["hits"])
    assert "<b>drone</b>" in result["hits"][0]["highlights"]["name"]
    assert result["facets"]["category"] == [{"value": "drones", "count": 2}]
    assert {"value": "fpv", "count": 1} in result["facets"]["tags"]
    assert result["total"] == 2


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"field": "category", "operator": "eq", "value": "cameras"}], {"gimbal"}),
        ([{"field": "category", "operator": "ne", "value": "cameras"}], {"falcon", "hawk"}),
        ([{"field": "price", "operator": "gt", "value": 129900}], {"hawk"}),
        ([{"field": "price", "operator": "gte", "value": 129900}], {"falcon", "hawk"}),
        ([{"field": "price", "operator": "lt", "value": 129900}], {"gimbal"}),
        ([{"field": "price", "operator": "lte", "value": 129900}], {"falcon", "gimbal"}),
        ([{"field": "tags", "operator": "in", "value": ["fpv", "camera"]}], {"falcon", "gimbal"}),
        ([{"field": "tags", "operator": "nin", "value": ["fpv", "camera"]}], {"hawk"}),
        ([{"field": "description", "operator": "contains", "value": "4k camera"}], {"falcon"}),
        ([{"field": "tags", "operator": "contains", "value": "mapping"}], {"hawk"}),
    ],
)
def test_every_filter_operator(published: list[ServiceEvent], filters: list[Any], expected: set[str]) -> None:
    ids = catalog(published)
    status, body = find({"filters": filters})
    assert status == 200, body
    names = {name for name, pid in ids.items() if pid in {h["productId"] for h in body["data"]["hits"]}}
    assert names == expected


def test_sort_by_price_and_page_by_cursor(published: list[ServiceEvent]) -> None:
    ids = catalog(published)
    _, body = find({"sort": [{"field": "price", "order": "asc"}], "pageSize": 2})
    first = [h["productId"] for h in body["data"]["hits"]]
    assert first == [ids["gimbal"], ids["falcon"]]
    cursor = body["data"]["nextCursor"]
    _status, body = find({"sort": [{"field": "price", "order": "asc"}], "pageSize": 2, "cursor": cursor})
    assert [h["productId"] for h in body["data"]["hits"]] == [ids["hawk"]]
    assert body["data"]["nextCursor"] is None


@pytest.mark.parametrize(
    "query",
    [
        "category:cameras",
        "name:/.*/",
        "*",
        '"unbalanced',
        "drone) OR (",
        "price:[0 TO 99999999]",
        "drone AND NOT hawk",
        "\\",
        "'; DROP TABLE products; --",
        "a" * 500,
    ],
)
def test_user_query_syntax_is_only_words(published: list[ServiceEvent], query: str) -> None:
    ids = catalog(published)
    status, body = find({"query": query})
    assert status == 200, body
    hits = {h["productId"] for h in body["data"]["hits"]}
    if query == "category:cameras":  # the words `category` and `cameras`, not a field: nothing has both
        assert hits == set()
    if query == "drone AND NOT hawk":  # every word must match: `not` and `and` too, so nothing
        assert ids["falcon"] not in hits


@pytest.mark.parametrize(
    "bad",
    [
        {"filters": [{"field": "secret", "operator": "eq", "value": "x"}]},
        {"filters": [{"field": "price", "operator": "contains", "value": 3}]},
        {"filters": [{"field": "price", "operator": "gt", "value": "cheap"}]},
        {"filters": [{"field": "category", "operator": "gt", "value": "a"}]},
        {"filters": [{"field": "tags", "operator": "in", "value": "fpv"}]},
        {"filters": [{"field": "tags", "operator": "like", "value": "fpv"}]},
        {"facets": ["price"]},
        {"sort": [{"field": "secret"}]},
        {"pageSize": 0},
        {"pageSize": 1000},
        {"cursor": "!!"},
    ],
)
def test_bad_requests_are_400(published: list[ServiceEvent], bad: dict[str, Any]) -> None:
    catalog(published)
    status, body = find(bad)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_a_change_or_a_delete_reaches_the_index_and_versions_advance(published: list[ServiceEvent]) -> None:
    ids = catalog(published)
    before = call(search_status, caller=ADMIN)[1]["data"]
    call(
        products_update,
        params={"productId": ids["hawk"]},
        body=product_body(name="Osprey mapper"),
        caller=ADMIN,
    )
    call(products_delete, params={"productId": ids["gimbal"]}, caller=ADMIN)
    indexed(published)
    after = call(search_status, caller=ADMIN)[1]["data"]
    assert after["version"] == before["version"] + 2
    assert after["documents"] == 2
    assert {h["productId"] for h in find({"query": "osprey"})[1]["data"]["hits"]} == {ids["hawk"]}
    assert find({"query": "gimbal"})[1]["data"]["hits"] == []


def test_rebuild_makes_a_fresh_version_from_the_catalog(published: list[ServiceEvent]) -> None:
    catalog(published)
    status, body = call(search_rebuild, caller=MEMBER)
    assert status == 403
    status, body = call(search_rebuild, caller=ADMIN)
    assert (status, body["data"]["status"]) == (202, "rebuilding")
    indexed(published)
    done = call(search_status, caller=ADMIN)[1]["data"]
    assert (done["status"], done["documents"]) == ("ready", 3)


def test_each_tenant_searches_only_its_own_index(published: list[ServiceEvent]) -> None:
    catalog(published)
    new_product(caller=GLOBEX, name="Globex drone")
    indexed(published)
    hits = find({"query": "drone"}, {"x-tenant-id": "globex"})[1]["data"]["hits"]
    assert [h["product"]["name"] for h in hits] == ["Globex drone"]


def test_autocomplete_completes_names_and_terms(published: list[ServiceEvent]) -> None:
    ids = catalog(published)
    status, body = call(search_autocomplete, query={"q": "fal"}, headers=STORE)
    assert status == 200
    assert [s["productId"] for s in body["data"]["suggestions"]] == [ids["falcon"]]
    assert body["data"]["terms"] == ["falcon"]
    status, body = call(search_autocomplete, query={"q": ".*(["}, headers=STORE)
    assert (status, body["data"]["suggestions"]) == (200, [])


def test_an_empty_index_answers_nothing_found() -> None:
    status, body = find({"query": "drone"})
    assert (status, body["data"]["hits"], body["data"]["indexVersion"]) == (200, [], 0)


def test_a_deleted_tenant_leaves_no_items_and_no_search_archives(published: list[ServiceEvent]) -> None:
    from shared import aws
    from shared.config import settings
    from tests.kit import event

    catalog(published)
    new_product(caller=GLOBEX, name="Globex drone")
    indexed(published)
    data = {"tenantId": "acme", "deletedAt": "2026-01-15T09:30:00Z"}
    deleted = event("tenant.deleted", data, source="tenants", tenant_id="acme")
    assert deliver(subscriber, [deleted]) == []
    search_storage.forget_cache()
    assert find({"query": "drone"})[1]["data"]["hits"] == []
    listed = aws.client("s3").list_objects_v2(
        Bucket=settings().bucket_name, Prefix="apps/marketplace/search/"
    )
    assert {o["Key"].split("/")[3] for o in listed.get("Contents", [])} == {"globex"}
    assert len(find({"query": "drone"}, {"x-tenant-id": "globex"})[1]["data"]["hits"]) == 1


def test_racing_indexers_never_overwrite_the_published_archive(published: list[ServiceEvent]) -> None:
    """Two writers start from the same version; the second's pointer move fails (IndexMoved) and what
    readers open stays the winner's index."""
    import tantivy

    from apps.marketplace import search_schema

    ids = catalog(published)
    winner_started = search_storage.pointer("acme", fresh=True)

    def loser(writer: tantivy.IndexWriter) -> None:
        writer.delete_all_documents()
        # the winner publishes while the loser is still working
        search_storage.write("acme", lambda w: w.delete_documents_by_term("product_id", ids["gimbal"]))

    with pytest.raises(search_storage.IndexMoved):
        search_storage.write("acme", loser)
    search_storage.forget_cache()
    after = search_storage.pointer("acme", fresh=True)
    assert after["version"] == winner_started["version"] + 1
    hits = {h["productId"] for h in find({"query": "drone"})[1]["data"]["hits"]}
    assert hits == {ids["falcon"], ids["hawk"]}  # the winner's index, not the loser's empty one
    assert search_schema.FIELDS["price"].kind == "integer"
