"""The pynamodb base every service table model builds on.

Every table has one shape (see `shared.declarations.Table`): `pk`/`sk`, `gsi1pk`/`gsi1sk` on index
`gsi1`, and a TTL attribute `expiresAt`. Tenant-owned items start their partition key with the tenant,
`TENANT#<tenantId>#...`, so a key condition (and IAM `dynamodb:LeadingKeys`) isolates one tenant.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared import aws
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import ServiceUnavailable
from shared.identifiers import TENANT_ID_PATTERN

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

M = TypeVar("M", bound="Item")
_TENANT_ID = re.compile(TENANT_ID_PATTERN)


def tenant_key(tenant_id: str, *parts: str) -> str:
    """`TENANT#acme#USER#u_1`. The tenant id is checked here, so a `#` can never forge another key."""
    if not _TENANT_ID.fullmatch(tenant_id):
        raise ValueError(f"not a tenant id: {tenant_id!r}")
    if any("#" in part for part in parts):
        raise ValueError(f"key parts may not contain '#': {parts!r}")
    return "#".join(("TENANT", tenant_id, *parts))


class _LiveMeta(type):
    """Table name, region and endpoint read from the settings at each use, not frozen at import: the
    local runner and the tests change them after the models are imported."""

    logical_name: str

    @property
    def table_name(cls) -> str:
        return settings().table_name(cls.logical_name)

    @property
    def region(cls) -> str:
        return settings().region

    @property
    def host(cls) -> str | None:
        return settings().endpoint_url


def table_meta(logical_name: str) -> type:
    """A pynamodb `Meta` for one of the deployment's tables."""
    return _LiveMeta("Meta", (), {"logical_name": logical_name, "billing_mode": "PAY_PER_REQUEST"})


class Gsi1(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """The second index of a table declared with `indexes=2` or more."""

    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """The third index of a table declared with `indexes=3`."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """Base for service items. Subclasses set `Meta = table_meta("<table>")`."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = NumberAttribute(null=True, attr_name="expiresAt")

    @classmethod
    def _get_connection(cls) -> Any:
        # pynamodb reconnects when the table name changes, not when the endpoint does; do both.
        connection = cls._connection
        if connection is not None and getattr(connection, "stratus_host", None) != cls.Meta.host:
            cls._connection = None
        connection = super()._get_connection()
        connection.stratus_host = cls.Meta.host  # type: ignore[attr-defined]
        return connection

    def is_expired(self, now: float | None = None) -> bool:
        """DynamoDB deletes expired items late (and emulators never do): reads must ignore them."""
        return self.expires_at is not None and self.expires_at <= (now or time.time())

    @classmethod
    def get_live(cls: type[M], pk: str, sk: str) -> M | None:
        try:
            item = cls.get(pk, sk, consistent_read=True)
        except cls.DoesNotExist:
            return None
        return None if item.is_expired() else item

    @classmethod
    def page(
        cls: type[M], pk: str, *, page_size: int, cursor: str | None, **query: Any
    ) -> tuple[list[M], str | None]:
        """One page of a partition (a Query, never a Scan) without expired items, and the next cursor."""
        last_key, page = Cursor.decode(cursor)
        result = cls.query(pk, limit=page_size, last_evaluated_key=last_key, page_size=page_size, **query)
        items = [item for item in _take(result, page_size) if not item.is_expired()]
        return items, Cursor.encode(result.last_evaluated_key, page=page + 1)


def _take(results: Iterator[M], n: int) -> Iterator[M]:
    for count, item in enumerate(results):
        if count >= n:
            return
        yield item


def transact(items: Sequence[TransactWriteItemTypeDef], *, table: str, attempts: int = 4) -> list[str] | None:
    """Run a TransactWriteItems. None when written, else each item's cancellation reason (a failed
    condition is an answer, not an error). A conflict with another transaction in flight is retried with
    jittered exponential backoff; still conflicting after `attempts`, the table is busy: 503."""
    for attempt in range(attempts):
        try:
            aws.client("dynamodb").transact_write_items(TransactItems=list(items))
            return None
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [str(r.get("Code", "None")) for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" not in reasons:
                return reasons
        time.sleep(0.02 * 2**attempt * (0.5 + random.random()))  # noqa: S311 - jitter, not secrecy
    raise ServiceUnavailable(f"The {table} table is busy; try again")
