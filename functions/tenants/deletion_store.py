"""A tenant's deletion, as the `tenants` table keeps it: status `deleting` and a `deletion` map on the
tenant's `TENANT` item (requestedAt, requestedBy, round, and per service {round, complete, cursor} plus
the items each removed). Every change is conditioned on the tenant still being in that deletion round, so
concurrent progress reports and duplicates settle in DynamoDB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from functions.tenants import listing
from shared import aws, outbox
from shared.config import settings
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

TABLE = "tenants"
SORT_KEY = "TENANT"


@dataclass(frozen=True)
class ServiceState:
    round: int
    complete: bool
    cursor: str | None
    removed: int


@dataclass(frozen=True)
class DeletionState:
    tenant_id: str
    requested_at: str
    round: int
    services: dict[str, ServiceState]

    def round_complete(self) -> bool:
        return all(s.round == self.round and s.complete for s in self.services.values())

    @property
    def removed(self) -> int:
        return sum(s.removed for s in self.services.values())


def _table() -> str:
    return settings().table_name(TABLE)


def _key(tenant_id: str) -> dict[str, Any]:
    return {"pk": {"S": tenant_key(tenant_id)}, "sk": {"S": SORT_KEY}}


def _fresh(services: Sequence[str], round_: int) -> dict[str, Any]:
    return {
        "M": {
            s: {"M": {"round": {"N": str(round_)}, "complete": {"BOOL": False}, "cursor": {"NULL": True}}}
            for s in services
        }
    }


def _state(tenant_id: str, item: Mapping[str, Any]) -> DeletionState | None:
    if item.get("status", {}).get("S") != "deleting" or "deletion" not in item:
        return None
    deletion = item["deletion"]["M"]
    removed = {k: int(v["N"]) for k, v in deletion.get("removed", {}).get("M", {}).items()}
    services = {}
    for name, raw in deletion["services"]["M"].items():
        entry = raw["M"]
        cursor = entry.get("cursor", {}).get("S")
        services[name] = ServiceState(
            int(entry["round"]["N"]), bool(entry["complete"]["BOOL"]), cursor, removed.get(name, 0)
        )
    return DeletionState(tenant_id, deletion["requestedAt"]["S"], int(deletion["round"]["N"]), services)


def _condition_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def get(tenant_id: str) -> DeletionState | None:
    item = aws.client("dynamodb").get_item(TableName=_table(), Key=_key(tenant_id), ConsistentRead=True)
    found = item.get("Item")
    return _state(tenant_id, found) if found else None


def start(
    tenant_id: str,
    *,
    requested_at: str,
    requested_by: str,
    services: Sequence[str],
    event: ServiceEvent,
) -> bool:
    """active/suspended → deleting, with round 1 for every service and `tenant.deleting` staged, in one
    transaction (the listing items move to `deleting` with it). False when the tenant is not there, still
    provisioning, or already deleting."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id),
        "UpdateExpression": "SET #status = :deleting, updatedAt = :now, deletion = :deletion",
        "ConditionExpression": "#status IN (:active, :suspended)",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":deleting": {"S": "deleting"},
            ":active": {"S": "active"},
            ":suspended": {"S": "suspended"},
            ":now": {"S": requested_at},
            ":deletion": {
                "M": {
                    "requestedAt": {"S": requested_at},
                    "requestedBy": {"S": requested_by},
                    "round": {"N": "1"},
                    "services": _fresh(services, 1),
                    "removed": {"M": {}},
                }
            },
        },
    }
    moved = listing.status_moved(tenant_id, "deleting")
    return outbox.transact([{"Update": update}, *moved], [event], table=TABLE) is None


def record(
    tenant_id: str, service: str, round_: int, *, complete: bool, removed: int, cursor: str | None
) -> DeletionState | None:
    """One service's report for the current round; the deletion after it, or None when the report is for
    another round (a duplicate or a straggler), a service not asked, or a tenant no longer deleting."""
    try:
        found = aws.client("dynamodb").update_item(
            TableName=_table(),
            Key=_key(tenant_id),
            UpdateExpression="SET deletion.services.#svc = :entry, "
            "deletion.removed.#svc = if_not_exists(deletion.removed.#svc, :zero) + :removed",
            ConditionExpression="#status = :deleting AND deletion.#round = :round "
            "AND attribute_exists(deletion.services.#svc)",
            ExpressionAttributeNames={"#status": "status", "#round": "round", "#svc": service},
            ExpressionAttributeValues={
                ":deleting": {"S": "deleting"},
                ":round": {"N": str(round_)},
                ":zero": {"N": "0"},
                ":removed": {"N": str(removed)},
                ":entry": {
                    "M": {
                        "round": {"N": str(round_)},
                        "complete": {"BOOL": complete},
                        "cursor": {"S": cursor} if cursor else {"NULL": True},
                    }
                },
            },
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if _condition_failed(exc):
            return None
        raise
    return _state(tenant_id, found["Attributes"])


def advance(tenant_id: str, round_: int, services: Sequence[str], event: ServiceEvent) -> bool:
    """Round `round_` → the next, every service pending again, its `tenant.deleting` staged; of two
    reporters that both saw the round complete, one advances it."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id),
        "UpdateExpression": "SET deletion.#round = :next, deletion.services = :fresh",
        "ConditionExpression": "#status = :deleting AND deletion.#round = :round",
        "ExpressionAttributeNames": {"#status": "status", "#round": "round"},
        "ExpressionAttributeValues": {
            ":deleting": {"S": "deleting"},
            ":round": {"N": str(round_)},
            ":next": {"N": str(round_ + 1)},
            ":fresh": _fresh(services, round_ + 1),
        },
    }
    return outbox.transact([{"Update": update}], [event], table=TABLE) is None


def remove_tenant(tenant_id: str, round_: int, event: ServiceEvent) -> bool:
    """The last step: the `TENANT` item goes, with `tenant.deleted` staged (only while it is deleting in
    this round: a duplicate report finds it gone), its listing items with it; anything else of the tenant
    in the table goes next (shared.tenant_purge)."""
    delete: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id),
        "ConditionExpression": "#status = :deleting AND deletion.#round = :round",
        "ExpressionAttributeNames": {"#status": "status", "#round": "round"},
        "ExpressionAttributeValues": {":deleting": {"S": "deleting"}, ":round": {"N": str(round_)}},
    }
    written: list[Any] = [{"Delete": delete}, *listing.delete_items(tenant_id)]
    return outbox.transact(written, [event], table=TABLE) is None


def exists(tenant_id: str) -> bool:
    item = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(tenant_id), ConsistentRead=True, ProjectionExpression="pk"
    )
    return "Item" in item
