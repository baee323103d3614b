"""Creators: registration, verification by a reviewer, the portfolio workflow, revenue credited on
order.paid (less commission) and reversed on refund, payouts — and a creator reading another's money."""

from __future__ import annotations

from typing import Any

import pytest

from apps.marketplace import (
    creators_get,
    creators_register,
    creators_revenue,
    creators_verification,
    creators_verify,
    payouts_job,
    payouts_list,
    payouts_request,
    portfolio_create,
    portfolio_list,
    portfolio_review,
    portfolio_submit,
    portfolio_update,
    products_create,
    revenue,
    subscriber,
)
from shared.events.model import ServiceEvent
from tests.kit import call, deliver, error_code, event, user
from tests.unit.apps.marketplace.conftest import ADMIN, GLOBEX, product_body

ALICE = user("u_alice", tenant="acme", permissions=("user.read",), roles=("member",))
BOB = user("u_bob", tenant="acme", permissions=("user.read",), roles=("member",))
REVIEWER = user("u_rev", tenant="acme", permissions=("creator.review",), roles=("reviewer",))
FILE = "f_" + "a" * 32
REGISTRATION = {
    "businessName": "Alice Aerial",
    "businessType": "individual",
    "contactInfo": {"email": "alice@acme.example"},
}


def register(caller: Any = ALICE) -> str:
    status, body = call(creators_register, body=REGISTRATION, caller=caller)
    assert status == 201, body
    assert body["data"]["status"] == "pending"
    return str(body["data"]["creatorId"])


def verified(caller: Any = ALICE, commission: int = 1000, reviewer: Any = REVIEWER) -> str:
    creator_id = register(caller)
    params = {"creatorId": creator_id}
    assert call(creators_verify, params=params, body={"documents": [FILE]}, caller=caller)[0] == 200
    status, body = call(
        creators_verification,
        params=params,
        body={"decision": "verified", "commissionBps": commission},
        caller=reviewer,
    )
    assert status == 200, body
    return creator_id


def test_registration_then_verification_decided_by_a_reviewer() -> None:
    creator_id = register()
    params = {"creatorId": creator_id}
    # a second registration of the same user is a conflict
    assert call(creators_register, body=REGISTRATION, caller=ALICE)[0] == 409
    status, body = call(creators_verify, params=params, body={"documents": [FILE]}, caller=ALICE)
    assert body["data"]["status"] == "under_review"
    # the creator cannot verify themself, nor can another member
    status, body = call(creators_verification, params=params, body={"decision": "verified"}, caller=ALICE)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    status, body = call(
        creators_verification,
        params=params,
        body={"decision": "rejected", "feedback": "blurry"},
        caller=REVIEWER,
    )
    assert (body["data"]["status"], body["data"]["feedback"]) == ("rejected", "blurry")
    # new documents bring it back under review
    status, body = call(creators_verify, params=params, body={"documents": [FILE, FILE]}, caller=ALICE)
    assert body["data"]["status"] == "under_review"


@pytest.mark.parametrize(
    "bad",
    [
        {"documents": []},
        {"documents": ["../etc/passwd"]},
        {"documents": [FILE] * 11},
    ],
)
def test_bad_documents_are_400(bad: dict[str, Any]) -> None:
    creator_id = register()
    status, body = call(creators_verify, params={"creatorId": creator_id}, body=bad, caller=ALICE)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_another_member_or_tenant_does_not_see_the_creator() -> None:
    creator_id = register()
    assert call(creators_get, params={"creatorId": creator_id}, caller=BOB)[0] == 404
    assert call(creators_get, params={"creatorId": creator_id}, caller=GLOBEX)[0] == 404
    assert call(creators_get, params={"creatorId": creator_id}, caller=REVIEWER)[0] == 200


def test_portfolio_items_go_draft_submitted_under_review_approved_or_rejected_with_feedback() -> None:
    creator_id = register()
    base = {"creatorId": creator_id}
    status, body = call(
        portfolio_create, params=base, body={"title": "Alps flyover", "files": [FILE]}, caller=ALICE
    )
    assert (status, body["data"]["status"]) == (201, "draft")
    params = {**base, "itemId": body["data"]["itemId"]}
    # a reviewer cannot start on a draft
    status, _ = call(portfolio_review, params=params, body={"decision": "start"}, caller=REVIEWER)
    assert status == 409
    assert call(portfolio_submit, params=params, caller=ALICE)[1]["data"]["status"] == "submitted"
    # the creator cannot review their own item
    assert call(portfolio_review, params=params, body={"decision": "start"}, caller=ALICE)[0] == 403
    status, body = call(portfolio_review, params=params, body={"decision": "start"}, caller=REVIEWER)
    assert body["data"]["status"] == "under_review"
    status, body = call(
        portfolio_review,
        params=params,
        body={"decision": "rejected", "feedback": "too dark"},
        caller=REVIEWER,
    )
    assert (body["data"]["status"], body["data"]["feedback"]) == ("rejected", "too dark")
    # an edit of a rejected item makes it a draft again; resubmitted, it can be approved
    body = call(portfolio_update, params=params, body={"title": "Alps, brighter"}, caller=ALICE)[1]["data"]
    assert body["status"] == "draft"
    call(portfolio_submit, params=params, caller=ALICE)
    call(portfolio_review, params=params, body={"decision": "start"}, caller=REVIEWER)
    status, body = call(portfolio_review, params=params, body={"decision": "approved"}, caller=REVIEWER)
    assert body["data"]["status"] == "approved"
    assert call(portfolio_update, params=params, body={"title": "x"}, caller=ALICE)[0] == 409
    listed = call(portfolio_list, params=base, caller=ALICE)[1]["data"]
    assert [i["status"] for i in listed] == ["approved"]


def _paid(creator_id: str, order_id: str = "o_" + "1" * 32, total: int = 10_000) -> ServiceEvent:
    line = {"productId": "p_" + "2" * 32, "name": "x", "quantity": 1, "unitPrice": total, "totalPrice": total}
    data = {
        "orderId": order_id,
        "customerId": "u_buyer",
        "amount": total,
        "currency": "USD",
        "items": [{"productId": line["productId"], "quantity": 1}],
        "lines": [{**line, "creatorId": creator_id}],
    }
    return event("order.paid", data, source="marketplace", tenant_id="acme")


def test_a_paid_order_credits_the_creator_less_commission_once() -> None:
    creator_id = verified(commission=1000)  # 10%
    paid = _paid(creator_id)
    assert deliver(subscriber, [paid]) == []
    # a redelivery (another message id for the same booking) books nothing twice
    revenue.credit_order("acme", paid.data["orderId"], paid.data["lines"], "USD")
    status, body = call(creators_revenue, params={"creatorId": creator_id}, caller=ALICE)
    assert status == 200
    assert body["data"]["balances"] == [
        {"currency": "USD", "earned": 9000, "pendingPayout": 0, "paidOut": 0, "available": 9000}
    ]


def test_a_creator_cannot_read_another_creators_revenue_or_payouts() -> None:
    alice = verified(ALICE)
    bob = verified(BOB)
    assert call(creators_revenue, params={"creatorId": alice}, caller=BOB)[0] == 404
    assert call(payouts_list, params={"creatorId": alice}, caller=BOB)[0] == 404
    assert (
        call(payouts_request, params={"creatorId": alice}, body={"amount": 1, "currency": "USD"}, caller=BOB)[
            0
        ]
        == 404
    )
    assert call(creators_revenue, params={"creatorId": bob}, caller=BOB)[0] == 200
    assert call(creators_revenue, params={"creatorId": alice}, caller=GLOBEX)[0] == 404
    assert (
        call(creators_revenue, params={"creatorId": alice}, caller=ADMIN)[0] == 200
    )  # payout.manage via `*`


def test_payouts_are_limited_to_what_is_available_and_processed_by_the_job(
    published: list[ServiceEvent],
) -> None:
    creator_id = verified(commission=0)
    revenue.credit_order("acme", "o_" + "3" * 32, _paid(creator_id, total=5000).data["lines"], "USD")
    params = {"creatorId": creator_id}
    for bad in (0, -5, 10**12, 2.5):
        assert (
            call(payouts_request, params=params, body={"amount": bad, "currency": "USD"}, caller=ALICE)[0]
            == 400
        )
    status, body = call(
        payouts_request, params=params, body={"amount": 6000, "currency": "USD"}, caller=ALICE
    )
    assert (status, error_code(body)) == (409, "CONFLICT")
    status, body = call(
        payouts_request, params=params, body={"amount": 3000, "currency": "USD"}, caller=ALICE
    )
    assert (status, body["data"]["status"]) == (201, "requested")
    money = call(creators_revenue, params=params, caller=ALICE)[1]["data"]["balances"][0]
    assert (money["available"], money["pendingPayout"]) == (2000, 3000)
    done = payouts_job.process(None)  # type: ignore[arg-type]
    assert done.processed_items == 1
    money = call(creators_revenue, params=params, caller=ALICE)[1]["data"]["balances"][0]
    assert (money["earned"], money["available"], money["pendingPayout"], money["paidOut"]) == (
        5000,
        2000,
        0,
        3000,
    )
    assert call(payouts_list, params=params, caller=ALICE)[1]["data"][0]["status"] == "processed"
    assert "payout.processed" in [e.type for e in published]
    assert payouts_job.process(None).processed_items == 0  # type: ignore[arg-type]


def test_an_unverified_creator_cannot_be_paid_out() -> None:
    creator_id = register()
    status, _body = call(
        payouts_request, params={"creatorId": creator_id}, body={"amount": 1, "currency": "USD"}, caller=ALICE
    )
    assert status == 409


def test_a_product_names_only_a_creator_of_its_tenant() -> None:
    globex_member = user("u_gm", tenant="globex", permissions=("user.read",), roles=("member",))
    theirs = verified(globex_member, reviewer=GLOBEX)
    status, _body = call(products_create, body=product_body(creatorId=theirs), caller=ADMIN)
    assert status == 404
    mine = verified()
    assert call(products_create, body=product_body(creatorId=mine), caller=ADMIN)[0] == 201
