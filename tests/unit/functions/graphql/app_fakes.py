"""The in-repo apps as the GraphQL function sees them, faked at the service wire: each app's GraphQL read
route (`POST /internal/<app>/graphql`, shared.app_graphql) answered from in-memory data of two tenants,
applying the app's rules from the `X-User-Context` the function sent: the app's gate (only `acme` enabled
the apps: anyone else is 403 FORBIDDEN, as AppReadApp answers), the caller's own orders, readings and
consultations, and the verifier's permission. `services.requests` counts every call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.permissions import allows
from shared.service_client import OutgoingRequest
from tests.kit import FakeServices, refuse
from tests.unit.functions.graphql.support import TENANT, acting

ENABLED = {TENANT}


def product(i: int) -> dict[str, Any]:
    return {
        "productId": f"p_{i:032x}",
        "name": f"Tea {i}",
        "description": "Green",
        "category": "tea",
        "pricing": {"amount": 100 + i, "currency": "EUR"},
        "specifications": {},
        "tags": [],
        "images": [],
        "status": "active",
        "certification": {"status": "none"},
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
    }


def order(i: int, customer: str, product_ids: list[str]) -> dict[str, Any]:
    lines = [
        {"productId": p, "name": "Tea", "quantity": 1, "unitPrice": 100, "totalPrice": 100}
        for p in product_ids
    ]
    return {
        "orderId": f"o_{i:032x}",
        "status": "paid",
        "customerId": customer,
        "items": lines,
        "total": {"amount": 100 * len(lines), "currency": "EUR"},
        "payment": {"status": "charged", "amount": 100 * len(lines), "currency": "EUR"},
        "reservation": "settled",
        "steps": [],
        "createdAt": "2026-01-02T00:00:00Z",
        "updatedAt": "2026-01-02T00:00:00Z",
    }


@dataclass
class Apps:
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: list[dict[str, Any]] = field(default_factory=list)
    readings: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    experts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def seeded(cls, orders: int = 3, lines: int = 4) -> Apps:
        made = cls()
        made.products = {p["productId"]: p for p in (product(i) for i in range(10))}
        ids = list(made.products)
        made.orders = [
            order(i, "u_jane", [ids[(i + j) % len(ids)] for j in range(lines)]) for i in range(orders)
        ]
        made.orders.append(order(99, "u_admin", ids[:1]))
        made.readings = [
            {
                "readingId": f"r_{i}",
                "userId": "u_jane",
                "type": "heart_rate",
                "value": 60 + i,
                "unit": "bpm",
                "measuredAt": f"2026-01-0{i + 1}T08:00:00Z",
                "createdAt": f"2026-01-0{i + 1}T08:00:01Z",
                "outOfRange": False,
            }
            for i in range(3)
        ]
        made.experts = {
            e: {
                "expertId": e,
                "name": e,
                "specialty": "cardio",
                "status": s,
                "createdAt": "2026-01-01T00:00:00Z",
            }
            for e, s in (("u_doc1", "verified"), ("u_doc2", "verified"), ("u_doc3", "pending"))
        }
        made.consultations = [
            {
                "consultationId": f"bk_{i}",
                "slotId": f"sl_{i}",
                "expertId": f"u_doc{1 + i % 2}",
                "userId": "u_jane",
                "startsAt": "2026-02-01T09:00:00Z",
                "status": "booked",
                "createdAt": "2026-01-05T00:00:00Z",
            }
            for i in range(5)
        ]
        return made

    def install(self, fake: FakeServices) -> FakeServices:
        fake.on("marketplace", "POST", "/internal/marketplace/graphql", self._marketplace)
        fake.on("health", "POST", "/internal/health/graphql", self._health)
        return fake

    def _marketplace(self, request: OutgoingRequest, body: Any) -> Any:
        caller = acting(request)
        if caller.tenant_id not in ENABLED:
            return 403, refuse("FORBIDDEN", "The app 'marketplace' is not enabled for this tenant")
        op, args = body["operation"], body.get("arguments", {})
        if op == "products":
            items = list(self.products.values())[: args.get("pageSize", 20)]
            return {"value": {"items": items, "total": len(self.products), "nextCursor": None}}
        if op == "productsById":
            return {"found": {k: self.products.get(k) for k in body["keys"]}}
        if op == "orders":
            mine = [o for o in self.orders if o["customerId"] == caller.user_id]
            return {"value": {"items": mine[: args.get("pageSize", 20)], "nextCursor": None}}
        if op == "order":
            found = next((o for o in self.orders if o["orderId"] == args["orderId"]), None)
            if found is None or (
                found["customerId"] != caller.user_id and not allows(caller.permissions, "order.read")
            ):
                return 404, refuse("NOT_FOUND", "No such order")
            return {"value": found}
        return 400, refuse("INVALID_REQUEST", f"no operation {op}")

    def _health(self, request: OutgoingRequest, body: Any) -> Any:
        caller = acting(request)
        if caller.tenant_id not in ENABLED:
            return 403, refuse("FORBIDDEN", "The app 'health' is not enabled for this tenant")
        op = body["operation"]
        if op == "readings":
            mine = [r for r in self.readings if r["userId"] == caller.user_id]
            return {"value": {"items": mine, "nextCursor": None}}
        if op == "consultations":
            return {"value": [c for c in self.consultations if c["userId"] == caller.user_id]}
        if op == "expertsById":
            return {"found": {k: self.experts.get(k) for k in body["keys"]}}
        if op == "pendingExperts":
            if not allows(caller.permissions, "health.expert.verify"):
                return 403, refuse("PERMISSION_DENIED", "Requires health.expert.verify")
            return {"value": [e for e in self.experts.values() if e["status"] == "pending"]}
        return 400, refuse("INVALID_REQUEST", f"no operation {op}")
