"""The search index's shape (tantivy): one document per product, and the fields requests may name.

Text fields are tokenized for full-text search and highlights; keyword fields are stored raw and as fast
fields (filters, facet counts); numbers are fast integer fields (ranges, sort). The product itself rides
along as stored JSON (`body`), so a hit is answered without a table read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import tantivy

TEXT_FIELDS = ("name", "description", "tags_text")
Kind = Literal["keyword", "integer", "date", "text"]


@dataclass(frozen=True)
class Field:
    api: str  # the name requests use
    index: str  # the tantivy field
    kind: Kind


FIELDS = {
    f.api: f
    for f in (
        Field("category", "category", "keyword"),
        Field("tags", "tags", "keyword"),
        Field("certification", "certification", "keyword"),
        Field("certificationLevel", "level", "keyword"),
        Field("currency", "currency", "keyword"),
        Field("creatorId", "creator_id", "keyword"),
        Field("price", "price", "integer"),
        Field("createdAt", "created", "date"),
        Field("name", "name", "text"),
        Field("description", "description", "text"),
    )
}
FACETS = tuple(name for name, f in FIELDS.items() if f.kind == "keyword")
SORTS = ("price", "createdAt")


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("product_id", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=name != "tags_text")
    for name in ("category", "tags", "certification", "level", "currency", "creator_id"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    builder.add_integer_field("price", stored=False, indexed=True, fast=True)
    builder.add_integer_field("created", stored=False, indexed=True, fast=True)
    builder.add_bytes_field("body", stored=True, indexed=False)
    return builder.build()


def epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def document(product: dict[str, Any]) -> tantivy.Document:
    certification = product.get("certification") or {}
    return tantivy.Document(
        product_id=product["productId"],
        name=product["name"],
        description=product.get("description") or "",
        tags_text=" ".join(product.get("tags") or []),
        category=product["category"],
        tags=list(product.get("tags") or []),
        certification=certification.get("status") or "none",
        level=certification.get("level") or "none",
        currency=product["pricing"]["currency"],
        creator_id=product.get("creatorId") or "none",
        price=int(product["pricing"]["amount"]),
        created=epoch_ms(product["createdAt"]),
        body=json.dumps(product, separators=(",", ":")).encode(),
    )
