"""Storefront search: full text with highlights, filters, sort, facet counts, autocomplete — on the
tenant's own index (apps.marketplace.search_storage), kept current by the indexer (the app's subscriber,
on product events) and rebuilt from the catalog on request.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

import tantivy

from apps.marketplace import access, catalog_store, search_query, search_schema, search_storage
from apps.marketplace.models import ProductOut
from apps.marketplace.search_models import (
    Autocomplete,
    FacetBucket,
    IndexStatus,
    SearchHit,
    SearchRequest,
    SearchResult,
    Suggestion,
    as_status,
)
from shared import outbox
from shared.errors import InvalidRequest
from shared.events import publisher

MAX_OFFSET = 10_000
FACET_SIZE = 20


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        offset = int(json.loads(base64.urlsafe_b64decode(padded))["o"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidRequest("The cursor is not valid", field="cursor") from exc
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidRequest("The cursor is not valid", field="cursor")
    return offset


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def search(tenant_id: str, body: SearchRequest) -> SearchResult:
    began = time.perf_counter()
    for facet in body.facets:
        if facet not in search_schema.FACETS:
            raise InvalidRequest(f"facets: one of {', '.join(search_schema.FACETS)}", field="facets")
    offset = _offset(body.cursor)
    index = search_storage.reader(tenant_id)
    schema = search_schema.schema() if index is None else index.schema
    query, textual = search_query.build(
        schema, body.query, body.filters
    )  # a bad request is 400 even if empty
    if index is None:
        return SearchResult(
            hits=[], total=0, facets={f: [] for f in body.facets}, took_ms=0.0, index_version=0
        )
    searcher = index.searcher()
    sort = body.sort[0] if body.sort else None
    options: dict[str, Any] = {}
    if sort is not None and sort.field != "relevance":
        options["order_by_field"] = search_schema.FIELDS[sort.field].index
        options["order"] = tantivy.Order.Asc if sort.order == "asc" else tantivy.Order.Desc
    found = searcher.search(query, body.page_size, count=True, offset=offset, **options)
    generators = {
        name: tantivy.SnippetGenerator.create(searcher, textual, schema, name)
        for name in ("name", "description")
        if textual is not None
    }
    hits = []
    for score, address in found.hits:
        doc = searcher.doc(address)
        product = _product(doc)
        highlights = {}
        for name, generator in generators.items():
            snippet = generator.snippet_from_doc(doc)
            if snippet.highlighted():
                highlights[name] = snippet.to_html()
        hits.append(
            SearchHit(
                product_id=product["productId"],
                score=float(score) if sort is None or sort.field == "relevance" else 0.0,
                highlights=highlights,
                product=ProductOut.model_validate(product),
            )
        )
    facets = _facets(searcher, query, body.facets)
    after = offset + len(hits)
    return SearchResult(
        hits=hits,
        total=_count(found),
        facets=facets,
        next_cursor=_cursor(after) if after < _count(found) and after < MAX_OFFSET else None,
        took_ms=round((time.perf_counter() - began) * 1000, 3),
        index_version=search_storage.pointer(tenant_id)["version"],
    )


def _product(doc: tantivy.Document) -> dict[str, Any]:
    body = doc.get_first("body")
    if not isinstance(body, bytes):
        raise RuntimeError("an index document without its product")
    product: dict[str, Any] = json.loads(body)
    return product


def _count(found: Any) -> int:
    return int(getattr(found, "count", 0) or 0)


def _facets(
    searcher: tantivy.Searcher, query: tantivy.Query, wanted: list[str]
) -> dict[str, list[FacetBucket]]:
    if not wanted:
        return {}
    spec = {
        name: {"terms": {"field": search_schema.FIELDS[name].index, "size": FACET_SIZE}}
        for name in dict.fromkeys(wanted)
    }
    counted = searcher.aggregate(query, spec)
    return {
        name: [FacetBucket(value=str(b["key"]), count=int(b["doc_count"])) for b in counted[name]["buckets"]]
        for name in spec
    }


def autocomplete(tenant_id: str, prefix: str) -> Autocomplete:
    """Product names whose words start with what was typed (the last word as a prefix), and the
    catalogue's terms that complete the last word."""
    typed = search_query.words(prefix)
    index = search_storage.reader(tenant_id)
    if index is None or not typed:
        return Autocomplete(query=prefix, suggestions=[], terms=[])
    searcher = index.searcher()
    schema = index.schema
    words: list[str | tuple[int, str]] = list(typed)
    query = (
        tantivy.Query.phrase_prefix_query(schema, "name", words)
        if len(typed) > 1
        else tantivy.Query.regex_query(schema, "name", _literal_prefix(typed[0]))
    )
    found = searcher.search(query, 10)
    suggestions = []
    for _, address in found.hits:
        product = _product(searcher.doc(address))
        suggestions.append(Suggestion(text=product["name"], product_id=product["productId"]))
    terms = [term for term, _ in searcher.terms_with_prefix("name", typed[-1], limit=10)]
    return Autocomplete(query=prefix, suggestions=suggestions, terms=terms)


def _literal_prefix(word: str) -> str:
    """A regex matching terms that start with `word` — `word` is letters and digits only (search_query.words),
    so nothing in it is regex syntax."""
    return f"{word}.*"


def status(tenant_id: str) -> IndexStatus:
    return as_status(search_storage.pointer(tenant_id, fresh=True))


def request_rebuild() -> IndexStatus:
    user = access.requiring(access.PRODUCT_WRITE)
    search_storage.mark(user.tenant_id, "rebuilding")
    outbox.emit(
        publisher.build(
            "search.index_rebuild_requested", {"tenantId": user.tenant_id}, tenant_id=user.tenant_id
        )
    )
    return status(user.tenant_id)


# --- the indexer (the app's subscriber) -------------------------------------------------------------
def index_product(tenant_id: str, product_id: str) -> None:
    """Bring one product's document up to date (its current state, or its absence)."""
    found = catalog_store.get(tenant_id, product_id)

    def change(writer: tantivy.IndexWriter) -> None:
        writer.delete_documents_by_term("product_id", product_id)
        if found is not None:
            writer.add_document(search_schema.document(found[0]))

    search_storage.write(tenant_id, change)


def rebuild(tenant_id: str) -> dict[str, Any]:
    """A fresh index of every product of the tenant's catalog (a new version)."""

    def change(writer: tantivy.IndexWriter) -> int:
        count, cursor = 0, None
        while True:
            docs, cursor = catalog_store.page(tenant_id, category=None, page_size=500, cursor=cursor)
            for doc in docs:
                writer.add_document(search_schema.document(doc))
            count += len(docs)
            if cursor is None:
                return count

    return search_storage.write(tenant_id, change, rebuild=True)
