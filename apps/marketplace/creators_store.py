"""Creators' items in the `marketplace` table (the only module that touches them).

TENANT#t#CREATOR#c / PROFILE           the creator (`doc`, `status`, `version`)
TENANT#t#CREATORUSER#u / CLAIM         one creator profile per user
TENANT#t#CREATOR#c / ITEM#i            a portfolio item (`doc`, `status`, `version`)
TENANT#t#CREATOR#c / BALANCE#<cur>     earned, available, requested, paidOut (integer minor units)
TENANT#t#CREATOR#c / LEDGER#<o>#<p>#<kind>   one credit (and at most one reversal) per order line
TENANT#t#CREATOR#c / PAYOUT#<at>#<id>  a payout; while requested also on gsi1 PAYOUTS#requested
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from apps.marketplace.catalog_store import plain, table_name
from shared import attribute_values, aws, outbox
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "marketplace"
PROFILE = "PROFILE"
REQUESTED_PAYOUTS = "PAYOUTS#requested"


def creator_pk(tenant_id: str, creator_id: str) -> str:
    return tenant_key(tenant_id, "CREATOR", creator_id)


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return attribute_values.wire_item(item)


def _doc(item: dict[str, Any] | None) -> tuple[dict[str, Any], int] | None:
    if not item:
        return None
    found = plain(item)
    return json.loads(found["doc"]), int(found["version"])


def get(tenant_id: str, creator_id: str, sk: str = PROFILE) -> tuple[dict[str, Any], int] | None:
    found = aws.client("dynamodb").get_item(
        TableName=table_name(), Key=_key(creator_pk(tenant_id, creator_id), sk), ConsistentRead=True
    )
    return _doc(found.get("Item"))


def creator_of_user(tenant_id: str, user_id: str) -> str | None:
    found = aws.client("dynamodb").get_item(
        TableName=table_name(),
        Key=_key(tenant_key(tenant_id, "CREATORUSER", user_id.replace("#", "_")), "CLAIM"),
        ConsistentRead=True,
    )
    item = found.get("Item")
    return item["creatorId"]["S"] if item else None


def register(tenant_id: str, doc: dict[str, Any]) -> bool:
    """The profile and the user's claim together. False: the user already has a profile."""
    claim = {
        "pk": tenant_key(tenant_id, "CREATORUSER", doc["userId"].replace("#", "_")),
        "sk": "CLAIM",
        "creatorId": doc["creatorId"],
    }
    profile = {"pk": creator_pk(tenant_id, doc["creatorId"]), "sk": PROFILE, **_body(doc, 1)}
    items: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": table_name(),
                "Item": _wire(i),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        for i in (claim, profile)
    ]
    return outbox.transact(items, [], table=TABLE) is None


def _body(doc: dict[str, Any], version: int) -> dict[str, Any]:
    return {"doc": json.dumps(doc, separators=(",", ":")), "status": doc["status"], "version": version}


def put(
    tenant_id: str,
    creator_id: str,
    sk: str,
    doc: dict[str, Any],
    *,
    version: int | None,
    extra: dict[str, Any] | None = None,
    events: list[ServiceEvent] | None = None,
) -> bool:
    """Write `doc` new (version None) or over the version read. False: it changed (or exists) meanwhile."""
    item = {
        "pk": creator_pk(tenant_id, creator_id),
        "sk": sk,
        **_body(doc, (version or 0) + 1),
        **(extra or {}),
    }
    condition: dict[str, Any] = (
        {"ConditionExpression": "attribute_not_exists(pk)"}
        if version is None
        else {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": {"N": str(version)}}}
    )
    put: dict[str, Any] = {"TableName": table_name(), "Item": _wire(item), **condition}
    write = cast("TransactWriteItemTypeDef", {"Put": put})
    return outbox.transact([write], events or [], table=TABLE) is None


def items(
    tenant_id: str, creator_id: str, prefix: str, *, newest_first: bool = False
) -> list[dict[str, Any]]:
    found = aws.client("dynamodb").query(
        TableName=table_name(),
        KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues={":pk": {"S": creator_pk(tenant_id, creator_id)}, ":prefix": {"S": prefix}},
        ScanIndexForward=not newest_first,
        ConsistentRead=True,
        Limit=100,
    )
    return [plain(i) for i in found.get("Items", [])]


# --- money -------------------------------------------------------------------------------------------
def _balance_update(
    tenant_id: str, creator_id: str, currency: str, **deltas: int
) -> TransactWriteItemTypeDef:
    names = {f"#{k}": k for k in deltas}
    values = {f":{k}": {"N": str(v)} for k, v in deltas.items()}
    return {
        "Update": {
            "TableName": table_name(),
            "Key": _key(creator_pk(tenant_id, creator_id), f"BALANCE#{currency}"),
            "UpdateExpression": "ADD " + ", ".join(f"#{k} :{k}" for k in deltas),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def book(tenant_id: str, creator_id: str, entry: str, currency: str, amount: int, **deltas: int) -> bool:
    """One ledger entry (`entry` names it: a retried booking finds it and changes nothing) and the balance
    moves it causes, together. False: already booked."""
    ledger = {
        "pk": creator_pk(tenant_id, creator_id),
        "sk": f"LEDGER#{entry}",
        "amount": amount,
        "currency": currency,
    }
    items: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": table_name(),
                "Item": _wire(ledger),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
        _balance_update(tenant_id, creator_id, currency, **deltas),
    ]
    return outbox.transact(items, [], table=TABLE) is None


def ledger_entry(tenant_id: str, creator_id: str, entry: str) -> dict[str, Any] | None:
    found = aws.client("dynamodb").get_item(
        TableName=table_name(),
        Key=_key(creator_pk(tenant_id, creator_id), f"LEDGER#{entry}"),
        ConsistentRead=True,
    )
    item = found.get("Item")
    return plain(item) if item else None


def request_payout(tenant_id: str, creator_id: str, doc: dict[str, Any], sk: str) -> bool:
    """The payout and `available → requested`, only while enough is available. False: not enough."""
    amount, currency = doc["amount"], doc["currency"]
    payout = {
        "pk": creator_pk(tenant_id, creator_id),
        "sk": sk,
        **_body(doc, 1),
        "gsi1pk": REQUESTED_PAYOUTS,
        "gsi1sk": f"{doc['requestedAt']}#{tenant_id}#{creator_id}#{doc['payoutId']}",
    }
    items: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": table_name(),
                "Item": _wire(payout),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
        {
            "Update": {
                "TableName": table_name(),
                "Key": _key(creator_pk(tenant_id, creator_id), f"BALANCE#{currency}"),
                "UpdateExpression": "ADD requested :a, available :minus",
                "ConditionExpression": "available >= :a",
                "ExpressionAttributeValues": {":a": {"N": str(amount)}, ":minus": {"N": str(-amount)}},
            }
        },
    ]
    return outbox.transact(items, [], table=TABLE) is None


def requested_payouts(limit: int = 100) -> list[tuple[str, str, str]]:
    """(tenant, creator, payout sort key) of requested payouts, oldest first."""
    found = aws.client("dynamodb").query(
        TableName=table_name(),
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :p",
        ExpressionAttributeValues={":p": {"S": REQUESTED_PAYOUTS}},
        Limit=limit,
    )
    out = []
    for item in found.get("Items", []):
        out.append((item["gsi1sk"]["S"].split("#")[1], item["gsi1sk"]["S"].split("#")[2], item["sk"]["S"]))
    return out


def settle_payout(
    tenant_id: str, creator_id: str, sk: str, doc: dict[str, Any], version: int, events: list[ServiceEvent]
) -> bool:
    """requested → processed, the balance's `requested → paidOut`, the event: together, once."""
    payout = {"pk": creator_pk(tenant_id, creator_id), "sk": sk, **_body(doc, version + 1)}
    items: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": table_name(),
                "Item": _wire(payout),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": {"N": str(version)}},
            }
        },
        _balance_update(
            tenant_id, creator_id, doc["currency"], requested=-doc["amount"], paidOut=doc["amount"]
        ),
    ]
    return outbox.transact(items, events, table=TABLE) is None
