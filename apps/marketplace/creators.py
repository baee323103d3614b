"""Creators: registration, verification by a reviewer, and the portfolio's review workflow.

    creator    pending ─(documents)─► under_review ─(creator.review)─► verified | rejected (feedback)
                                                         rejected ─(new documents)─► under_review
    portfolio  draft ─(submit)─► submitted ─(start)─► under_review ─► approved | rejected (feedback)
                                                       rejected ─(edit)─► draft

A creator acts on their own profile only (the one their user registered); reviewers hold
`creator.review`. Another creator's id, or another tenant's, is simply not found.
"""

from __future__ import annotations

import json
import re
from typing import Any

from apps.marketplace import access, creators_store
from apps.marketplace.creator_models import (
    DEFAULT_COMMISSION_BPS,
    CreatorOut,
    CreatorRegistration,
    PortfolioIn,
    PortfolioItemOut,
    PortfolioReview,
    VerificationDecision,
    VerificationRequest,
)
from shared import permissions
from shared.context import UserContext, new_id
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, NotFound

CREATOR_ID = re.compile(r"c_[0-9a-f]{32}")
ITEM_ID = re.compile(r"i_[0-9a-f]{32}")


class CreatorNotFound(NotFound):
    pass


def find(tenant_id: str, creator_id: str) -> tuple[dict[str, Any], int]:
    found = creators_store.get(tenant_id, creator_id) if CREATOR_ID.fullmatch(creator_id) else None
    if found is None:
        raise CreatorNotFound("No such creator", details={"creatorId": creator_id})
    return found


def reviewer(user: UserContext) -> bool:
    return permissions.allows(user.permissions, access.CREATOR_REVIEW)


def owned(creator_id: str, *, or_reviewer: bool = True) -> tuple[UserContext, dict[str, Any], int]:
    """The caller's own creator profile (or, for a reviewer, any of the tenant's): else 404."""
    user = access.caller()
    doc, version = find(user.tenant_id, creator_id)
    if doc["userId"] != user.user_id and not (or_reviewer and reviewer(user)):
        raise CreatorNotFound("No such creator", details={"creatorId": creator_id})
    return user, doc, version


def register(body: CreatorRegistration) -> CreatorOut:
    user = access.caller()
    now = utc_now_iso()
    doc = {
        **body.model_dump(by_alias=True, mode="json"),
        "creatorId": new_id("c_"),
        "userId": user.user_id,
        "status": "pending",
        "documents": [],
        "feedback": None,
        "commissionBps": DEFAULT_COMMISSION_BPS,
        "createdAt": now,
        "updatedAt": now,
    }
    if not creators_store.register(user.tenant_id, doc):
        raise Conflict("You are already registered as a creator")
    return CreatorOut.model_validate(doc)


def get(creator_id: str) -> CreatorOut:
    return CreatorOut.model_validate(owned(creator_id)[1])


def _save(tenant_id: str, doc: dict[str, Any], version: int, sk: str = creators_store.PROFILE) -> None:
    if not creators_store.put(
        tenant_id, doc["creatorId"], sk, {**doc, "updatedAt": utc_now_iso()}, version=version
    ):
        raise Conflict("It changed meanwhile; read it again")


def submit_documents(creator_id: str, body: VerificationRequest) -> CreatorOut:
    user, doc, version = owned(creator_id, or_reviewer=False)
    if doc["status"] == "verified":
        raise Conflict("The creator is already verified")
    doc = {**doc, "documents": body.documents, "status": "under_review", "feedback": None}
    _save(user.tenant_id, doc, version)
    return CreatorOut.model_validate(doc)


def decide_verification(creator_id: str, body: VerificationDecision) -> CreatorOut:
    user = access.requiring(access.CREATOR_REVIEW)
    doc, version = find(user.tenant_id, creator_id)
    if doc["status"] != "under_review":
        raise Conflict("No verification is under review for this creator")
    doc = {**doc, "status": body.decision, "feedback": body.feedback}
    if body.commission_bps is not None:
        doc["commissionBps"] = body.commission_bps
    _save(user.tenant_id, doc, version)
    return CreatorOut.model_validate(doc)


# --- portfolio ---------------------------------------------------------------------------------------
def _item(tenant_id: str, creator_id: str, item_id: str) -> tuple[dict[str, Any], int]:
    found = (
        creators_store.get(tenant_id, creator_id, f"ITEM#{item_id}") if ITEM_ID.fullmatch(item_id) else None
    )
    if found is None:
        raise NotFound("No such portfolio item", details={"itemId": item_id})
    return found


def portfolio(creator_id: str) -> list[PortfolioItemOut]:
    user, _, _ = owned(creator_id)
    rows = creators_store.items(user.tenant_id, creator_id, "ITEM#")
    return [PortfolioItemOut.model_validate(json.loads(r["doc"])) for r in rows]


def add_item(creator_id: str, body: PortfolioIn) -> PortfolioItemOut:
    user, _, _ = owned(creator_id, or_reviewer=False)
    now = utc_now_iso()
    doc = {
        **body.model_dump(by_alias=True),
        "itemId": new_id("i_"),
        "creatorId": creator_id,
        "status": "draft",
        "feedback": None,
        "reviewedBy": None,
        "createdAt": now,
        "updatedAt": now,
    }
    creators_store.put(user.tenant_id, creator_id, f"ITEM#{doc['itemId']}", doc, version=None)
    return PortfolioItemOut.model_validate(doc)


def _move(
    creator_id: str, item_id: str, doc: dict[str, Any], version: int, tenant_id: str
) -> PortfolioItemOut:
    _save(tenant_id, {**doc, "creatorId": creator_id}, version, f"ITEM#{item_id}")
    return PortfolioItemOut.model_validate(doc)


def edit_item(creator_id: str, item_id: str, body: PortfolioIn) -> PortfolioItemOut:
    user, _, _ = owned(creator_id, or_reviewer=False)
    doc, version = _item(user.tenant_id, creator_id, item_id)
    if doc["status"] not in ("draft", "rejected"):
        raise Conflict("Only a draft or a rejected item can be edited")
    doc = {**doc, **body.model_dump(by_alias=True), "status": "draft"}
    return _move(creator_id, item_id, doc, version, user.tenant_id)


def submit_item(creator_id: str, item_id: str) -> PortfolioItemOut:
    user, _, _ = owned(creator_id, or_reviewer=False)
    doc, version = _item(user.tenant_id, creator_id, item_id)
    if doc["status"] != "draft":
        raise Conflict("Only a draft can be submitted")
    return _move(
        creator_id, item_id, {**doc, "status": "submitted", "feedback": None}, version, user.tenant_id
    )


_REVIEW_FROM = {"start": "submitted", "approved": "under_review", "rejected": "under_review"}


def review_item(creator_id: str, item_id: str, body: PortfolioReview) -> PortfolioItemOut:
    user = access.requiring(access.CREATOR_REVIEW)
    find(user.tenant_id, creator_id)
    doc, version = _item(user.tenant_id, creator_id, item_id)
    if doc["status"] != _REVIEW_FROM[body.decision]:
        raise Conflict(f"The item is {doc['status']}: it cannot be {body.decision}")
    status = "under_review" if body.decision == "start" else body.decision
    doc = {**doc, "status": status, "feedback": body.feedback, "reviewedBy": user.user_id}
    return _move(creator_id, item_id, doc, version, user.tenant_id)
