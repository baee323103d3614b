"""Seed 000's response envelopes: success, error and paginated.

Handlers return plain models (or a `Page`); `HttpApp` wraps them here, once.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import Field

from shared.context import RequestContext
from shared.errors import InvalidRequest, StratusError
from shared.models import CamelModel

T = TypeVar("T")


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Pagination(CamelModel):
    page: int
    page_size: int = Field(alias="pageSize")
    total: int
    total_pages: int = Field(alias="totalPages")
    has_next: bool = Field(alias="hasNext")
    has_prev: bool = Field(alias="hasPrev")
    cursor: str | None = None
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class Page(CamelModel, Generic[T]):
    """What a list handler returns. DynamoDB pages by cursor; `page` is the cursor's page number,
    carried inside the cursor so that `hasPrev`/`page` stay meaningful. `total` is a maintained count."""

    data: list[T]
    pagination: Pagination

    @classmethod
    def of(
        cls, items: list[T], *, total: int, page_size: int, cursor: str | None, next_cursor: str | None
    ) -> Page[T]:
        page = Cursor.page_of(cursor)
        return cls(
            data=items,
            pagination=Pagination(
                page=page,
                page_size=page_size,
                total=total,
                total_pages=max(1, math.ceil(total / page_size)) if page_size else 1,
                has_next=next_cursor is not None,
                has_prev=page > 1,
                cursor=cursor,
                next_cursor=next_cursor,
            ),
        )


# A page number only counts pages for `pagination.page`; a client-made one past this is nonsense.
MAX_PAGE = 1_000_000


class Cursor:
    """An opaque cursor: base64 JSON of DynamoDB's LastEvaluatedKey plus the page number it leads to."""

    @staticmethod
    def encode(last_key: dict[str, Any] | None, *, page: int) -> str | None:
        if not last_key:
            return None
        raw = json.dumps({"k": last_key, "p": page}, separators=(",", ":"), sort_keys=True)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def decode(cursor: str | None) -> tuple[dict[str, Any] | None, int]:
        if not cursor:
            return None, 1
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            body = json.loads(base64.urlsafe_b64decode(padded))
            key, page = body["k"], int(body["p"])
            if not isinstance(key, dict) or not 1 <= page <= MAX_PAGE:
                raise ValueError(cursor)
        except (binascii.Error, ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
            raise InvalidRequest("The cursor is not valid", field="cursor") from exc
        return key, page

    @staticmethod
    def page_of(cursor: str | None) -> int:
        return Cursor.decode(cursor)[1]


def _meta(ctx: RequestContext, version: str) -> dict[str, Any]:
    return {
        "requestId": ctx.request_id,
        "timestamp": utc_now_iso(),
        "duration": ctx.elapsed_ms(),
        "version": version,
    }


def is_page(body: Any) -> bool:
    return isinstance(body, dict) and body.keys() == {"data", "pagination"}


def success(body: Any, ctx: RequestContext, version: str) -> dict[str, Any]:
    """`body` is already JSON-able (Powertools serialized the handler's model)."""
    if is_page(body):
        return {"success": True, **body, "meta": _meta(ctx, version)}
    return {"success": True, "data": body, "meta": _meta(ctx, version)}


def error(exc: StratusError, *, request_id: str, service: str) -> dict[str, Any]:
    err: dict[str, Any] = {
        "code": str(exc.code),
        "message": exc.message,
        "requestId": request_id,
        "timestamp": utc_now_iso(),
        "service": service,
        "retryable": exc.retryable,
    }
    if exc.details is not None:
        err["details"] = exc.details
    if exc.field is not None:
        err["field"] = exc.field
    return {"success": False, "error": err}
