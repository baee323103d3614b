"""A deleted tenant leaves nothing in the marketplace: every item of its partitions in the app's table
(products, stock, orders, creators, ledgers, the search pointer) and its search archives in S3."""

from __future__ import annotations

from apps.marketplace.catalog_store import TABLE
from shared import aws, tenant_purge
from shared.config import settings

PURGE_BUDGET_SECONDS = 600.0


def forget_deleted(tenant_id: str) -> int:
    """→ how many items and archives were removed. Deletes are idempotent: a purge cut short raises and the
    queue brings the event back to finish it."""
    purged = tenant_purge.purge_table(TABLE, tenant_id, budget_seconds=PURGE_BUDGET_SECONDS)
    if not purged.complete:
        raise RuntimeError(f"{tenant_id}: {purged.removed} items removed, more left: retried")
    s3 = aws.client("s3")
    removed = purged.removed
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=settings().bucket_name, Prefix=f"apps/marketplace/search/{tenant_id}/"
    ):
        for found in page.get("Contents", []):
            s3.delete_object(Bucket=settings().bucket_name, Key=found["Key"])
            removed += 1
    return removed
