"""Storefront analytics: the events a storefront sends, and the figures a tenant reads."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from apps.marketplace.models import PRODUCT_ID_PATTERN, Wire

MAX_BATCH = 500
EventType = Literal["view", "click", "add_to_cart", "search"]


class TrackedEvent(Wire):
    type: EventType
    product_id: Annotated[
        str | None,
        Field(alias="productId", pattern=PRODUCT_ID_PATTERN, examples=["p_0123456789abcdef0123456789abcdef"]),
    ] = None
    session_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = Field(
        default=None, alias="sessionId", examples=["s_4f2a"]
    )
    timestamp: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, examples=["2026-01-15T09:30:00.000Z"]
    )


class EventBatch(Wire):
    events: Annotated[list[TrackedEvent], Field(min_length=1, max_length=MAX_BATCH)]


class Accepted(Wire):
    accepted: int


class Money(Wire):
    currency: str
    amount: int


class DayFigures(Wire):
    date: str
    views: int
    clicks: int
    add_to_cart: int = Field(alias="addToCart")
    searches: int
    orders: int
    units: int


class Overview(Wire):
    from_: str = Field(alias="from")
    to: str
    views: int
    orders: int
    revenue: int  # in `currency`, the tenant's main one (the largest); every currency in revenueByCurrency
    currency: str | None
    revenue_by_currency: list[Money] = Field(alias="revenueByCurrency")
    conversion: float  # orders per view
    days: list[DayFigures]


class ProductFigures(Overview):
    product_id: str = Field(alias="productId")
    units: int
