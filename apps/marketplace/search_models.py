"""POST /search and friends: the request a storefront sends and what it gets back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StringConstraints

from apps.marketplace.models import ProductOut, Wire

Operator = Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains"]
Scalar = StrictInt | Annotated[str, StringConstraints(max_length=200)]


class SearchFilter(Wire):
    field: Annotated[str, StringConstraints(max_length=40)] = Field(examples=["category"])
    operator: Operator
    value: Scalar | Annotated[list[Scalar], Field(max_length=50)] = Field(examples=["drones"])


class SearchSort(Wire):
    field: Literal["relevance", "price", "createdAt"] = "relevance"
    order: Literal["asc", "desc"] = "desc"


class SearchRequest(Wire):
    query: Annotated[str, StringConstraints(max_length=500)] = ""
    filters: Annotated[list[SearchFilter], Field(max_length=20)] = Field(default_factory=list)
    sort: Annotated[list[SearchSort], Field(max_length=1)] = Field(default_factory=list)
    facets: Annotated[list[Annotated[str, StringConstraints(max_length=40)]], Field(max_length=6)] = Field(
        default_factory=list
    )
    page_size: Annotated[StrictInt, Field(alias="pageSize", ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(max_length=200)] | None = None


class SearchHit(Wire):
    product_id: str = Field(alias="productId")
    score: float
    highlights: dict[str, str]
    product: ProductOut


class FacetBucket(Wire):
    value: str
    count: int


class SearchResult(Wire):
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetBucket]]
    next_cursor: str | None = Field(default=None, alias="nextCursor")
    took_ms: float = Field(alias="tookMs")
    index_version: int = Field(alias="indexVersion")


class Suggestion(Wire):
    text: str
    product_id: str = Field(alias="productId")


class Autocomplete(Wire):
    query: str
    suggestions: list[Suggestion]
    terms: list[str]


class IndexStatus(Wire):
    version: int
    documents: int
    status: Literal["empty", "ready", "rebuilding"]
    built_at: str | None = Field(default=None, alias="builtAt")
    build_seconds: float = Field(alias="buildSeconds")


def as_status(pointer: dict[str, Any]) -> IndexStatus:
    shown = ("version", "documents", "status", "builtAt", "buildSeconds")
    return IndexStatus.model_validate({k: pointer[k] for k in shown if k in pointer})
