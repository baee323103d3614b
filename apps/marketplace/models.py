"""The catalog's request and response bodies: camelCase on the wire, validated at the edge.

Money is integer minor units plus an ISO 4217 currency (never a float). Every bound is here, so a
negative, huge or malformed value is a 400 before any domain code runs.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, StrictInt, StringConstraints

from shared.models import CamelBody

# A price up to 100,000,000.00 in a two-decimal currency: larger is a client mistake, not a product.
MAX_AMOUNT = 10_000_000_000
MAX_STOCK = 1_000_000_000
MAX_SPECIFICATIONS_BYTES = 16_384
PRODUCT_ID_PATTERN = r"^p_[0-9a-f]{32}$"
CATEGORY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
CREATOR_ID_PATTERN = r"^c_[0-9a-f]{32}$"
FILE_ID_PATTERN = r"^f_[0-9a-f]{32}$"

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["USD"])]
Amount = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
Category = Annotated[str, StringConstraints(pattern=CATEGORY_PATTERN), Field(examples=["drones"])]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")]
CertificationLevel = Literal["basic", "standard", "premium"]
CertificationStatus = Literal["none", "pending", "approved", "rejected"]


class Wire(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class Money(Wire):
    amount: Amount
    currency: Currency


def _bounded_specifications(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, separators=(",", ":"))) > MAX_SPECIFICATIONS_BYTES:
        raise ValueError(f"at most {MAX_SPECIFICATIONS_BYTES} bytes of JSON")
    return value


Specifications = Annotated[dict[str, Any], AfterValidator(_bounded_specifications)]


class ProductIn(Wire):
    """POST /products and PUT /products/{id} (a PUT replaces every field)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    category: Category
    pricing: Money
    specifications: Specifications = Field(default_factory=dict)
    tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)
    images: Annotated[
        list[
            Annotated[
                str,
                StringConstraints(pattern=FILE_ID_PATTERN),
                Field(examples=["f_0123456789abcdef0123456789abcdef"]),
            ]
        ],
        Field(max_length=10),
    ] = Field(default_factory=list)
    creator_id: Annotated[
        str | None,
        Field(alias="creatorId", pattern=CREATOR_ID_PATTERN, examples=["c_0123456789abcdef0123456789abcdef"]),
    ] = None


class Certification(Wire):
    status: CertificationStatus = "none"
    level: CertificationLevel | None = None
    requested_level: CertificationLevel | None = Field(default=None, alias="requestedLevel")
    feedback: str | None = None
    decided_by: str | None = Field(default=None, alias="decidedBy")
    decided_at: str | None = Field(default=None, alias="decidedAt")
    requested_at: str | None = Field(default=None, alias="requestedAt")


class ProductOut(Wire):
    product_id: str = Field(alias="productId")
    name: str
    description: str
    category: str
    pricing: Money
    specifications: dict[str, Any]
    tags: list[str]
    images: list[str]
    creator_id: str | None = Field(default=None, alias="creatorId")
    status: Literal["active"] = "active"
    certification: Certification
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class CategoryCount(Wire):
    category: str
    count: int


class CertifyRequest(Wire):
    """POST /products/{id}/certify: ask for a level (a reviewer may grant another)."""

    level: CertificationLevel = "basic"


class CertificationDecision(Wire):
    """PUT /products/{id}/certification (`product.certify`)."""

    decision: Literal["approved", "rejected"]
    level: CertificationLevel | None = None
    feedback: Annotated[str, StringConstraints(max_length=2000)] | None = None


class InventoryIn(Wire):
    available: Annotated[StrictInt, Field(ge=0, le=MAX_STOCK)]


class InventoryOut(Wire):
    product_id: str = Field(alias="productId")
    available: int
    reserved: int


# --- orders ------------------------------------------------------------------------------------------
MAX_QUANTITY = 1000
MAX_LINES = 50
ORDER_ID_PATTERN = r"^o_[0-9a-f]{32}$"
PaymentToken = Annotated[
    str, StringConstraints(pattern=r"^(tok|pm)_[A-Za-z0-9_]{1,64}$"), Field(examples=["tok_visa"])
]
OrderStatus = Literal["pending", "paid", "cancelled"]


class OrderLineIn(Wire):
    product_id: Annotated[
        str,
        Field(alias="productId", pattern=PRODUCT_ID_PATTERN, examples=["p_0123456789abcdef0123456789abcdef"]),
    ]
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]


class PaymentIn(Wire):
    token: PaymentToken


class OrderIn(Wire):
    """POST /orders."""

    items: Annotated[list[OrderLineIn], Field(min_length=1, max_length=MAX_LINES)]
    payment: PaymentIn


class OrderLine(Wire):
    product_id: str = Field(alias="productId")
    name: str
    quantity: int
    unit_price: int = Field(alias="unitPrice")
    total_price: int = Field(alias="totalPrice")
    creator_id: str | None = Field(default=None, alias="creatorId")


class SagaStep(Wire):
    name: Literal["reserve", "charge", "confirm", "compensate", "refund"]
    status: Literal["succeeded", "failed"]
    at: str
    detail: str | None = None


class PaymentOut(Wire):
    status: Literal["none", "charged", "failed", "refunded", "voided"]
    charge_id: str | None = Field(default=None, alias="chargeId")
    amount: int
    currency: str


class OrderOut(Wire):
    order_id: str = Field(alias="orderId")
    status: OrderStatus
    reason: str | None = None
    customer_id: str = Field(alias="customerId")
    items: list[OrderLine]
    total: Money
    payment: PaymentOut
    reservation: Literal["none", "held", "released", "settled"]
    steps: list[SagaStep]
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class OrderState(Wire):
    """What the saga's state machine carries from state to state (each step reads the order itself)."""

    model_config = ConfigDict(extra="ignore")

    tenant_id: str = Field(alias="tenantId")
    order_id: str = Field(alias="orderId")
    error: dict[str, Any] | None = None  # set by a Catch (`ResultPath: $.error`): Error and Cause
