"""Creators' request and response bodies: registration, verification, portfolio, revenue, payouts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints

from apps.marketplace.models import FILE_ID_PATTERN, MAX_AMOUNT, PRODUCT_ID_PATTERN, Currency, Wire
from shared.emails import Email

CreatorStatus = Literal["pending", "under_review", "verified", "rejected"]
PortfolioStatus = Literal["draft", "submitted", "under_review", "approved", "rejected"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
FileId = Annotated[
    str, StringConstraints(pattern=FILE_ID_PATTERN), Field(examples=["f_0123456789abcdef0123456789abcdef"])
]
# Commission in basis points of a line's price (1500 = 15%): what the marketplace keeps.
DEFAULT_COMMISSION_BPS = 1500


class ContactInfo(Wire):
    email: Email
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{5,20}$")] | None = None
    # `https://` and 3-200 more characters, none a space; the count as lengths, not in the pattern (a
    # counted Unicode class costs pydantic-core's regex compiler ~10 ms at import).
    website: (
        Annotated[str, StringConstraints(pattern=r"^https://\S+$", min_length=11, max_length=208)] | None
    ) = None


class CreatorRegistration(Wire):
    business_name: Text = Field(alias="businessName")
    business_type: Literal["individual", "company", "nonprofit"] = Field(alias="businessType")
    contact_info: ContactInfo = Field(alias="contactInfo")


class CreatorOut(Wire):
    creator_id: str = Field(alias="creatorId")
    user_id: str = Field(alias="userId")
    business_name: str = Field(alias="businessName")
    business_type: str = Field(alias="businessType")
    contact_info: ContactInfo = Field(alias="contactInfo")
    status: CreatorStatus
    documents: list[str]
    feedback: str | None = None
    commission_bps: int = Field(alias="commissionBps")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class VerificationRequest(Wire):
    """POST /creators/{id}/verify: the documents (files of the files service) that prove who they are."""

    documents: Annotated[list[FileId], Field(min_length=1, max_length=10)]


class VerificationDecision(Wire):
    decision: Literal["verified", "rejected"]
    feedback: Annotated[str, StringConstraints(max_length=2000)] | None = None
    commission_bps: Annotated[StrictInt | None, Field(alias="commissionBps", ge=0, le=10_000)] = None


class PortfolioIn(Wire):
    title: Text
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    files: Annotated[list[FileId], Field(max_length=20)] = Field(default_factory=list)
    product_id: Annotated[
        str | None,
        Field(alias="productId", pattern=PRODUCT_ID_PATTERN, examples=["p_0123456789abcdef0123456789abcdef"]),
    ] = None


class PortfolioItemOut(Wire):
    item_id: str = Field(alias="itemId")
    creator_id: str = Field(alias="creatorId")
    title: str
    description: str
    files: list[str]
    product_id: str | None = Field(default=None, alias="productId")
    status: PortfolioStatus
    feedback: str | None = None
    reviewed_by: str | None = Field(default=None, alias="reviewedBy")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class PortfolioReview(Wire):
    """`start` takes a submitted item under review; `approved`/`rejected` decide it (with feedback)."""

    decision: Literal["start", "approved", "rejected"]
    feedback: Annotated[str, StringConstraints(max_length=2000)] | None = None


class Balance(Wire):
    currency: str
    earned: int
    pending_payout: int = Field(alias="pendingPayout")
    paid_out: int = Field(alias="paidOut")
    available: int


class Revenue(Wire):
    creator_id: str = Field(alias="creatorId")
    commission_bps: int = Field(alias="commissionBps")
    balances: list[Balance]


class PayoutRequest(Wire):
    amount: Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT)]
    currency: Currency


class PayoutOut(Wire):
    payout_id: str = Field(alias="payoutId")
    creator_id: str = Field(alias="creatorId")
    amount: int
    currency: str
    status: Literal["requested", "processed"]
    requested_at: str = Field(alias="requestedAt")
    processed_at: str | None = Field(default=None, alias="processedAt")
