"""Callers and readings the health tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from apps.health import experts_register, experts_verify
from shared.context import UserContext
from tests.kit import call, user

MEMBER = ("member",)
ANN = user("u_ann", tenant="acme", permissions=("user.read",), roles=MEMBER)  # an owner of readings
DRE = user("u_dre", tenant="acme", permissions=("user.read",), roles=MEMBER)  # an expert of acme
BOB = user("u_bob", tenant="acme", permissions=("user.read",), roles=MEMBER)
ADMIN = user("u_admin", tenant="acme")  # tenant_admin: `*`
GUS = user("u_gus", tenant="globex", permissions=("user.read",), roles=MEMBER)
GLOBEX_ADMIN = user("u_gadmin", tenant="globex")


def ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat().replace("+00:00", "Z")


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def reading(kind: str = "heart_rate", value: Any = 72, unit: str = "bpm", **at: float) -> dict[str, Any]:
    return {"type": kind, "value": value, "unit": unit, "measuredAt": ago(**(at or {"minutes": 5}))}


def verified_expert(expert: UserContext, admin: UserContext) -> None:
    status, _ = call(experts_register, caller=expert, body={"name": "Dr Dre", "specialty": "cardiology"})
    assert status == 201
    status, _ = call(experts_verify, caller=admin, params={"expertId": expert.user_id})
    assert status == 200
