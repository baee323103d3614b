"""POST /internal/health/graphql — GraphQL's reads of the health app's types (graphql_types.py), for the
acting user, behind the app's gate (shared.app_graphql): the REST routes' own domain calls."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import access, experts, readings, store
from apps.health.graphql_types import GRAPHQL
from apps.health.manifest import SERVICE
from apps.health.models import ID_PATTERN, TYPE_PATTERN, BookingOut, ExpertOut
from shared import permissions
from shared.app_graphql import AppRead, AppReadAnswer, matching, page, page_size
from shared.app_reads import AppReadApp, AppReads
from shared.errors import InvalidRequest
from shared.tables import tenant_key

app = AppReadApp(SERVICE.function("graphql-read"), access=access.ACCESS)
logger = app.logger
READS = AppReads(GRAPHQL)
MAX_TIME_CHARS = 64


@app.endpoint
def graphql_read(body: AppRead) -> AppReadAnswer:
    """Answer one read operation of the health app's GraphQL types for the acting user."""
    return READS.answer(body)


@READS.root("readings")
def readings_page(
    pageSize: int | None = None,
    cursor: str | None = None,
    userId: str | None = None,
    **window: str | None,
) -> Any:
    # `from`, `to` and `type` are Python keywords or builtins: they come as keywords (GraphQL validated
    # the names; only these three can be here).
    start, end, reading_type = window.get("from"), window.get("to"), window.get("type")
    for name in ("from", "to"):
        if len(window.get(name) or "") > MAX_TIME_CHARS:
            raise InvalidRequest(f"{name} is not an ISO-8601 time", field=name)
    found = readings.list_readings(
        matching(reading_type, TYPE_PATTERN, "type"),
        start,
        end,
        matching(userId, ID_PATTERN, "userId"),
        page_size(pageSize, default=50),
        cursor,
    )
    return page([r.model_dump(by_alias=True, mode="json") for r in found.data], found.pagination.next_cursor)


@READS.root("consultations")
def consultations() -> Any:
    user = access.caller()
    docs = store.by_index(tenant_key(user.tenant_id, "USER", user.user_id, "BOOKINGS"))
    return [
        {
            **BookingOut.model_validate(d).model_dump(by_alias=True, mode="json"),
            "consultationId": d["bookingId"],
        }
        for d in docs
    ]


@READS.root("pendingExperts")
def pending_experts() -> Any:
    """The verification queue (the field's permission, health.expert.verify, was checked already)."""
    return [e.model_dump(by_alias=True, mode="json") for e in experts.list_experts() if e.status == "pending"]


@READS.batch("expertsById")
def experts_by_id(keys: list[str]) -> dict[str, Any]:
    """As `GET /experts` shows them: verified ones, and pending ones too to a verifier."""
    user = access.caller()
    verifier = permissions.allows(user.permissions, access.EXPERT_VERIFY)
    found: dict[str, Any] = {}
    for expert_id in dict.fromkeys(keys):
        try:
            doc = experts.find(user.tenant_id, expert_id)
        except experts.ExpertNotFound:
            doc = None
        visible = doc is not None and (verifier or doc["status"] == "verified")
        found[expert_id] = (
            ExpertOut.model_validate(doc).model_dump(by_alias=True, mode="json") if visible else None
        )
    return found


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
