"""The `monitoring` table: the only module that reads or writes it (the DynamoDB side of
`ports.MonitoringStore`, every read and write through the pynamodb models below).

Items:
- counters      `TENANT#t#METRICS` / `DAY#<yyyy-mm-dd>`: the day's counters (ADD), and gsi1
                `METRICS#DAY#<yyyy-mm-dd>` / `TENANT#t`, so one Query of the index gives every tenant's
                counters of a day (Prometheus) without a second copy of the numbers and without a Scan.
- counted event `TENANT#t#METRICS` / `EVENT#<eventId>`: put with `attribute_not_exists` in the same
                TransactWriteItems as the ADDs, so a redelivered event adds nothing. Expires after
                `MARKER_SECONDS`, longer than any redelivery (the kernel remembers event ids 14 days).
- execution     `JOBS` / `<startedAt>#<jobId>`; its claim `JOB#<jobId>` / `CLAIM` (same transaction,
                conditional: one execution per jobId) and the count `JOBS#COUNT` / `COUNT` (ADD).
"""

from __future__ import annotations

import time
from typing import Any, cast

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from functions.monitoring.ports import ExecutionRecord, Increments
from shared.envelopes import Cursor
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction

TABLE = "monitoring"
MARKER_SECONDS = 35 * 24 * 3600
JOBS_PK = "JOBS"
_CONFLICT_ATTEMPTS = 5  # every event of a tenant and day contends on one counters item


def metrics_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "METRICS")


def day_index_key(day: str) -> str:
    return f"METRICS#DAY#{day}"


class CountersItem(Item):
    """A tenant's day: one number per counter of functions/monitoring/models.py COUNTERS."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    logins = NumberAttribute(null=True)
    uploads = NumberAttribute(null=True)
    upload_bytes = NumberAttribute(null=True, attr_name="uploadBytes")
    deleted_files = NumberAttribute(null=True, attr_name="deletedFiles")
    deleted_bytes = NumberAttribute(null=True, attr_name="deletedBytes")
    users_created = NumberAttribute(null=True, attr_name="usersCreated")
    users_deleted = NumberAttribute(null=True, attr_name="usersDeleted")
    tenants_created = NumberAttribute(null=True, attr_name="tenantsCreated")
    jobs_completed = NumberAttribute(null=True, attr_name="jobsCompleted")
    jobs_failed = NumberAttribute(null=True, attr_name="jobsFailed")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()

    def numbers(self) -> dict[str, int]:
        found = {name: getattr(self, attr) for name, attr in COUNTER_ATTRIBUTES.items()}
        return {name: int(value) for name, value in found.items() if value is not None}


# Counter name on the wire -> the model's attribute name.
COUNTER_ATTRIBUTES: dict[str, str] = {
    attribute.attr_name: name
    for name, attribute in CountersItem.get_attributes().items()
    if isinstance(attribute, NumberAttribute) and name != "expires_at"
}


class CountedItem(Item):
    """An event already counted (`EVENT#<eventId>`), written with its counts; expires after MARKER_SECONDS,
    longer than any redelivery."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    day = UnicodeAttribute()


class ExecutionItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    job_id = UnicodeAttribute(attr_name="jobId")
    job_type = UnicodeAttribute(attr_name="jobType")
    status = UnicodeAttribute()
    duration = NumberAttribute()
    processed_items = NumberAttribute(attr_name="processedItems")
    errors = ListAttribute(of=UnicodeAttribute, default=list)
    started_at = UnicodeAttribute(attr_name="startedAt")
    finished_at = UnicodeAttribute(attr_name="finishedAt")

    def record(self) -> ExecutionRecord:
        return ExecutionRecord(
            job_id=self.job_id,
            job_type=self.job_type,
            status=self.status,
            duration=int(self.duration),
            processed_items=int(self.processed_items),
            started_at=self.started_at,
            finished_at=self.finished_at,
            errors=[str(e) for e in self.errors or []],
        )


class ClaimItem(Item):
    """`JOB#<jobId>` / `CLAIM`: the job id is taken, by the execution stored under `executionSk`."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    execution_sk = UnicodeAttribute(attr_name="executionSk")


class CountItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    total = NumberAttribute(attr_name="count", null=True)  # `count` would shadow Model.count


def _jobs_count() -> CountItem:
    return CountItem("JOBS#COUNT", "COUNT")


# --- counters ----------------------------------------------------------------------------------------
def count_once(event_id: str, day: str, increments: Increments) -> bool:
    """Add `increments` ({tenant: {counter: n}}) to each tenant's `day`, all or nothing, once per event.
    True if added now; False if this event was already counted."""
    first = next(iter(increments))
    marker = CountedItem(
        metrics_pk(first), f"EVENT#{event_id}", day=day, expires_at=int(time.time()) + MARKER_SECONDS
    )
    txn = Transaction(table=TABLE, attempts=_CONFLICT_ATTEMPTS)
    counted = txn.put(marker, condition=CountedItem.pk.does_not_exist())
    for tenant_id, counters in increments.items():
        actions: list[Action] = [
            getattr(CountersItem, COUNTER_ATTRIBUTES[name]).add(amount) for name, amount in counters.items()
        ]
        actions += [
            CountersItem.gsi1pk.set(day_index_key(day)),
            CountersItem.gsi1sk.set(tenant_key(tenant_id)),
        ]
        txn.update(CountersItem(metrics_pk(tenant_id), f"DAY#{day}"), actions)
    cancelled = txn.commit()
    if cancelled is None:
        return True
    if cancelled.condition_failed(counted):
        return False
    raise ServiceUnavailable(f"The counters were not written: {cancelled.reasons}")


def days(tenant_id: str, first: str, last: str) -> dict[str, dict[str, int]]:
    """The tenant's counters of each day from `first` to `last` (inclusive) that has any: one Query."""
    found = CountersItem.query(metrics_pk(tenant_id), CountersItem.sk.between(f"DAY#{first}", f"DAY#{last}"))
    return {item.sk.removeprefix("DAY#"): item.numbers() for item in found}


def every_tenant(day: str) -> dict[str, dict[str, int]]:
    """Every tenant's counters of `day`: one Query of the day index (eventually consistent)."""
    found = (cast(CountersItem, item) for item in CountersItem.gsi1.query(day_index_key(day)))
    return {str(item.gsi1sk).removeprefix("TENANT#"): item.numbers() for item in found}


# --- job executions ----------------------------------------------------------------------------------
def insert_execution(execution: ExecutionRecord) -> ExecutionRecord:
    """Store the execution once per jobId; → the stored one (the earlier report when there was one)."""
    sk = f"{execution.started_at}#{execution.job_id}"
    item = ExecutionItem(
        JOBS_PK,
        sk,
        job_id=execution.job_id,
        job_type=execution.job_type,
        status=execution.status,
        duration=execution.duration,
        processed_items=execution.processed_items,
        errors=list(execution.errors),
        started_at=execution.started_at,
        finished_at=execution.finished_at,
    )
    txn = Transaction(table=TABLE, attempts=_CONFLICT_ATTEMPTS)
    claim = txn.put(
        ClaimItem(f"JOB#{execution.job_id}", "CLAIM", execution_sk=sk),
        condition=ClaimItem.pk.does_not_exist(),
    )
    txn.put(item, condition=ExecutionItem.pk.does_not_exist())
    txn.update(_jobs_count(), [CountItem.total.add(1)])
    cancelled = txn.commit()
    if cancelled is None:
        return execution
    if not cancelled.condition_failed(claim):
        raise ServiceUnavailable(f"The execution was not stored: {cancelled.reasons}")
    stored = ClaimItem.get_live(f"JOB#{execution.job_id}", "CLAIM")
    earlier = ExecutionItem.get_live(JOBS_PK, stored.execution_sk) if stored else None
    if earlier is None:  # the claim and the record are written together; one without the other is a bug
        raise ServiceUnavailable("The earlier execution of this job could not be read")
    return earlier.record()


def executions_total() -> int:
    found = CountItem.get_live("JOBS#COUNT", "COUNT")
    return int(found.total or 0) if found else 0


def executions_page(*, page_size: int, cursor: str | None) -> tuple[list[ExecutionRecord], str | None]:
    """Newest first; one more than the page is read, so the next cursor exists only if there is more."""
    start, page_number = Cursor.decode(cursor)
    if start is not None and not _is_jobs_key(start):
        raise InvalidRequest("The cursor is not valid", field="cursor")
    found = ExecutionItem.query(
        JOBS_PK,
        scan_index_forward=False,
        limit=page_size + 1,
        page_size=page_size + 1,
        last_evaluated_key=start,
    )
    taken: list[ExecutionRecord] = []
    for item in found:
        taken.append(item.record())
        if len(taken) == page_size:
            break
    if len(taken) < page_size:
        return taken, None
    last = found.last_evaluated_key  # the key of the page's last item (pynamodb rebuilds it mid-page)
    if next(iter(found), None) is None:
        return taken, None
    return taken, Cursor.encode(last, page=page_number + 1)


def _is_jobs_key(start: dict[str, Any]) -> bool:
    """A cursor is opaque but not trusted: it must be a key of the executions' partition."""
    sk = start.get("sk")
    return (
        set(start) == {"pk", "sk"}
        and start["pk"] == {"S": JOBS_PK}
        and isinstance(sk, dict)
        and set(sk) == {"S"}
    )
