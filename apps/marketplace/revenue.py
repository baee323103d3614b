"""Creators' money: credited when an order is paid, reversed when it is refunded, paid out on request.

Each order line with a creator earns `totalPrice - commission` (commission = the creator's basis points
of the line, rounded down in the creator's disfavour by at most a minor unit). Every booking is a ledger
entry named by the order line, written with its balance move in one transaction: a redelivered event
books nothing twice. A payout moves `available → requested` only while enough is available (a
conditional update: two requests racing can never overdraw); the payouts job settles it
(`requested → paidOut`, `payout.processed`).
"""

from __future__ import annotations

import json
from typing import Any

from apps.marketplace import access, creators, creators_store, orders
from apps.marketplace.creator_models import Balance, PayoutOut, PayoutRequest, Revenue
from shared import outbox, permissions
from shared.context import new_id
from shared.envelopes import utc_now_iso
from shared.errors import Conflict
from shared.events import publisher


def _share(total: int, commission_bps: int) -> int:
    return total - (total * commission_bps + 9_999) // 10_000


def credit_order(tenant_id: str, order_id: str, lines: list[dict[str, Any]], currency: str) -> int:
    """Book each creator's share of a paid order; → how many lines were newly booked."""
    booked = 0
    for line in lines:
        creator_id = line.get("creatorId")
        if not creator_id:
            continue
        found = creators_store.get(tenant_id, creator_id)
        if found is None:
            continue  # a creator id that names nobody here earns nothing
        share = _share(int(line["totalPrice"]), int(found[0]["commissionBps"]))
        entry = f"{order_id}#{line['productId']}#credit"
        if creators_store.book(tenant_id, creator_id, entry, currency, share, earned=share, available=share):
            booked += 1
    return booked


def reverse_order(tenant_id: str, order_id: str) -> int:
    """A refunded order takes back what its lines earned (only what was credited, once)."""
    record = orders.find(tenant_id, order_id)
    reversed_lines = 0
    for line in record["doc"]["items"]:
        creator_id = line.get("creatorId")
        if not creator_id:
            continue
        credit = creators_store.ledger_entry(tenant_id, creator_id, f"{order_id}#{line['productId']}#credit")
        if credit is None:
            continue
        amount, currency = int(credit["amount"]), str(credit["currency"])
        entry = f"{order_id}#{line['productId']}#reversal"
        if creators_store.book(
            tenant_id, creator_id, entry, currency, -amount, earned=-amount, available=-amount
        ):
            reversed_lines += 1
    return reversed_lines


def revenue(creator_id: str) -> Revenue:
    """A creator reads only their own revenue; reviewers and payout managers read any."""
    user, doc, _ = creators.owned(creator_id, or_reviewer=_manager())
    rows = creators_store.items(user.tenant_id, creator_id, "BALANCE#")
    balances = [
        Balance(
            currency=row["sk"].removeprefix("BALANCE#"),
            earned=int(row.get("earned", 0)),
            pending_payout=int(row.get("requested", 0)),
            paid_out=int(row.get("paidOut", 0)),
            available=int(row.get("available", 0)),
        )
        for row in rows
    ]
    return Revenue(creator_id=creator_id, commission_bps=int(doc["commissionBps"]), balances=balances)


def _manager() -> bool:
    """Payout managers (tenant admins hold `*`) read every creator's money; a creator only their own."""
    return permissions.allows(access.caller().permissions, access.PAYOUT_MANAGE)


def request_payout(creator_id: str, body: PayoutRequest) -> PayoutOut:
    user, doc, _ = creators.owned(creator_id, or_reviewer=False)
    if doc["status"] != "verified":
        raise Conflict("Only a verified creator can be paid out")
    now = utc_now_iso()
    payout = {
        "payoutId": new_id("po_"),
        "creatorId": creator_id,
        "amount": body.amount,
        "currency": body.currency,
        "status": "requested",
        "requestedAt": now,
        "processedAt": None,
    }
    if not creators_store.request_payout(user.tenant_id, creator_id, payout, _payout_sk(payout)):
        available = _available(user.tenant_id, creator_id, body.currency)
        raise Conflict("The amount is more than is available", details={"available": available})
    return PayoutOut.model_validate(payout)


def _payout_sk(payout: dict[str, Any]) -> str:
    return f"PAYOUT#{payout['requestedAt']}#{payout['payoutId']}"


def _available(tenant_id: str, creator_id: str, currency: str) -> int:
    for row in creators_store.items(tenant_id, creator_id, f"BALANCE#{currency}"):
        return int(row.get("available", 0))
    return 0


def payouts(creator_id: str) -> list[PayoutOut]:
    user, _, _ = creators.owned(creator_id, or_reviewer=_manager())
    rows = creators_store.items(user.tenant_id, creator_id, "PAYOUT#", newest_first=True)
    return [PayoutOut.model_validate(json.loads(r["doc"])) for r in rows]


def process_requested(limit: int = 100) -> tuple[int, list[str]]:
    """The payouts job: settle every requested payout (oldest first); → (processed, errors)."""
    done, errors = 0, []
    for tenant_id, creator_id, sk in creators_store.requested_payouts(limit):
        found = creators_store.get(tenant_id, creator_id, sk)
        if found is None or found[0]["status"] != "requested":
            continue
        doc, version = found
        settled = {**doc, "status": "processed", "processedAt": utc_now_iso()}
        event = publisher.build(
            "payout.processed",
            {k: settled[k] for k in ("payoutId", "creatorId", "amount", "currency", "processedAt")},
            source="marketplace",
            tenant_id=tenant_id,
        )
        if creators_store.settle_payout(tenant_id, creator_id, sk, settled, version, [event]):
            outbox.release(event)
            done += 1
        else:
            errors.append(f"{tenant_id}/{doc['payoutId']}: changed meanwhile")
    return done, errors
