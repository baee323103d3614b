"""The catalog: products of a tenant's storefront, their categories and certification.

Reads are public for the storefront's tenant; writes need `product.write`; a certification is asked for
with `product.write` and decided by a holder of `product.certify`. Every write is conditioned on the
version it read (two editors never silently overwrite each other: the second gets 409) and commits its
`product.*` event in the same transaction (shared.outbox).
"""

from __future__ import annotations

import re
from typing import Any

from apps.marketplace import access, catalog_store, creators
from apps.marketplace.models import (
    PRODUCT_ID_PATTERN,
    CategoryCount,
    Certification,
    CertificationDecision,
    CertifyRequest,
    ProductIn,
    ProductOut,
)
from shared import outbox
from shared.context import new_id
from shared.envelopes import Page, utc_now_iso
from shared.errors import Conflict, InvalidRequest, NotFound
from shared.events import publisher
from shared.events.model import ServiceEvent

_PRODUCT_ID = re.compile(PRODUCT_ID_PATTERN)


class ProductNotFound(NotFound):
    pass


def find(tenant_id: str, product_id: str) -> tuple[dict[str, Any], int]:
    """The product and its version, or 404 (a malformed id or another tenant's is simply not found)."""
    found = catalog_store.get(tenant_id, product_id) if _PRODUCT_ID.fullmatch(product_id) else None
    if found is None:
        raise ProductNotFound("No such product", details={"productId": product_id})
    return found


def list_products(
    tenant_id: str, category: str | None, page_size: int, cursor: str | None
) -> Page[ProductOut]:
    docs, next_cursor = catalog_store.page(tenant_id, category=category, page_size=page_size, cursor=cursor)
    return Page[ProductOut].of(
        [ProductOut.model_validate(d) for d in docs],
        total=catalog_store.total(tenant_id, category),
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )


def get_product(tenant_id: str, product_id: str) -> ProductOut:
    return ProductOut.model_validate(find(tenant_id, product_id)[0])


def categories(tenant_id: str) -> list[CategoryCount]:
    return [CategoryCount(category=c, count=n) for c, n in catalog_store.categories(tenant_id)]


def _event(event_type: str, doc: dict[str, Any], tenant_id: str) -> ServiceEvent:
    data = {
        "productId": doc["productId"],
        "name": doc["name"],
        "category": doc["category"],
        "pricing": doc["pricing"],
        "tags": doc["tags"],
        "certification": doc["certification"]["status"],
    }
    return publisher.build(event_type, data, tenant_id=tenant_id)


def _creator_exists(tenant_id: str, body: ProductIn) -> None:
    """A product credits its creator: the creator must be one of this tenant's (else 404)."""
    if body.creator_id is not None:
        creators.find(tenant_id, body.creator_id)


def create(body: ProductIn) -> ProductOut:
    user = access.requiring(access.PRODUCT_WRITE)
    _creator_exists(user.tenant_id, body)
    now = utc_now_iso()
    doc = {
        **body.model_dump(by_alias=True),
        "productId": new_id("p_"),
        "status": "active",
        "certification": Certification().model_dump(by_alias=True),
        "createdAt": now,
        "updatedAt": now,
    }
    out = ProductOut.model_validate(doc)
    doc = out.model_dump(by_alias=True)
    created = _event("product.created", doc, user.tenant_id)
    catalog_store.create(user.tenant_id, doc, [created])
    outbox.release(created)
    return out


def _rewrite(tenant_id: str, product_id: str, change: Any, event_type: str) -> ProductOut:
    """Read, change, write conditioned on the version read (409 if another write came between)."""
    doc, version = find(tenant_id, product_id)
    old_category = doc["category"]
    doc = {**change(doc), "updatedAt": utc_now_iso()}
    out = ProductOut.model_validate(doc)
    doc = out.model_dump(by_alias=True)
    event = _event(event_type, doc, tenant_id)
    if not catalog_store.replace(tenant_id, doc, version=version, old_category=old_category, events=[event]):
        raise Conflict("The product changed meanwhile; read it again")
    outbox.release(event)
    return out


def update(product_id: str, body: ProductIn) -> ProductOut:
    user = access.requiring(access.PRODUCT_WRITE)
    _creator_exists(user.tenant_id, body)
    fields = body.model_dump(by_alias=True)
    return _rewrite(user.tenant_id, product_id, lambda doc: {**doc, **fields}, "product.updated")


def delete(product_id: str) -> None:
    user = access.requiring(access.PRODUCT_WRITE)
    doc, version = find(user.tenant_id, product_id)
    event = _event("product.deleted", doc, user.tenant_id)
    reasons = catalog_store.remove(
        user.tenant_id, product_id, version=version, category=doc["category"], events=[event]
    )
    if reasons is not None:
        if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            raise Conflict("Orders in progress hold some of this product's stock")
        raise Conflict("The product changed meanwhile; read it again")
    outbox.release(event)


def request_certification(product_id: str, body: CertifyRequest) -> Certification:
    user = access.requiring(access.PRODUCT_WRITE)

    def ask(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["certification"]["status"] == "pending":
            raise Conflict("A certification is already pending")
        asked = {**doc["certification"], "status": "pending", "requestedLevel": body.level}
        return {**doc, "certification": {**asked, "requestedAt": utc_now_iso(), "feedback": None}}

    out = _rewrite(user.tenant_id, product_id, ask, "product.certification_requested")
    return out.certification


def decide_certification(product_id: str, body: CertificationDecision) -> Certification:
    user = access.requiring(access.PRODUCT_CERTIFY)

    def decide(doc: dict[str, Any]) -> dict[str, Any]:
        current = doc["certification"]
        if current["status"] != "pending":
            raise Conflict("No certification is pending for this product")
        if body.decision == "approved":
            level = body.level or current.get("requestedLevel")
            if level is None:
                raise InvalidRequest("level: required to approve", field="level")
        else:
            level = current.get("level") if current.get("level") else None
        decided = {
            **current,
            "status": body.decision,
            "level": level,
            "feedback": body.feedback,
            "decidedBy": user.user_id,
            "decidedAt": utc_now_iso(),
        }
        return {**doc, "certification": decided}

    return _rewrite(user.tenant_id, product_id, decide, "product.certified").certification


def certification(tenant_id: str, product_id: str) -> Certification:
    return Certification.model_validate(find(tenant_id, product_id)[0]["certification"])
