"""Scale (issue 7, part 4): seed 000's 100 tenants of 1,000 users, and whether login and the first page of
the user list stay flat from 1,000 users to 100,000.

Tenants and their admins are made through the API (create-tenant); the other members are written in bulk
(BatchWriteItem of the users service's user and email-claim items, rbac's roles item, and the maintained
count) with one precomputed argon2 hash — 100,000 argon2 hashes would take the run over an hour and
measure nothing new. Login then verifies that hash like any other.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared import aws, passwords
from shared.config import settings
from stratus.bench.latency import median, p
from stratus.bench.workload import PASSWORD, Bench

_BATCH = 25


@dataclass(frozen=True)
class ScalePoint:
    users: int
    tenants: int
    login_p50: float
    login_p99: float
    list_p50: float
    list_p99: float


@dataclass(frozen=True)
class ScaleReport:
    small: ScalePoint
    large: ScalePoint
    load_seconds: float
    peak_rss_mb: float

    @property
    def login_ratio(self) -> float:
        return self.large.login_p50 / self.small.login_p50

    @property
    def list_ratio(self) -> float:
        return self.large.list_p50 / self.small.list_p50


def measure(
    bench: Bench,
    root: str,
    *,
    tenants: int,
    users_per_tenant: int,
    rounds: int,
    progress: Callable[[str], None],
) -> ScaleReport:
    hashed = passwords.hash_password(PASSWORD)
    began = time.monotonic()
    names = [f"scale-{n:03d}" for n in range(tenants)]
    # Every tenant (and its admin) first, through the API, while the tables are small: moto copies every
    # table for each TransactWriteItems (its rollback), so a create-tenant against 100,000 items takes
    # seconds there — an emulator cost that DynamoDB does not have.
    bar = _Bar(total=tenants, label="tenants created")
    for n, name in enumerate(names, start=1):
        _create_tenant(bench, root, name, users_per_tenant)
        bar.show(n)
    bar.done()
    _load_members(names[0], users_per_tenant, hashed)
    member = f"member-{users_per_tenant // 2:05d}@{names[0]}.example"
    small = _point(bench, names[0], member, users_per_tenant + tenants - 1, 1, rounds)
    bar = _Bar(total=tenants * users_per_tenant, label="users loaded")
    bar.show(users_per_tenant)
    for n, name in enumerate(names[1:], start=2):
        _load_members(name, users_per_tenant, hashed)
        bar.show(n * users_per_tenant)
    bar.done()
    load_seconds = time.monotonic() - began
    large = _point(bench, names[0], member, tenants * users_per_tenant, tenants, rounds)
    progress(f"scale: {small.users:,} → {large.users:,} users measured")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return ScaleReport(small, large, load_seconds, peak)


def _point(bench: Bench, tenant: str, member: str, users: int, tenants: int, rounds: int) -> ScalePoint:
    """Login of one member of `tenant` and its first page of users; `users` in `tenants` on the platform."""
    admin = bench.login(f"admin@{tenant}.example", PASSWORD, tenant)["accessToken"]
    logins, lists = [], []
    for _ in range(rounds + 1):  # the first of each is a warm-up
        began = time.perf_counter()
        bench.login(member, PASSWORD, tenant)
        logins.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        bench.data(bench.call("GET", "/api/v1/users", token=admin, pageSize="20"))
        lists.append((time.perf_counter() - began) * 1000)
    logins, lists = logins[1:], lists[1:]
    return ScalePoint(users, tenants, median(logins), p(logins, 0.99), median(lists), p(lists, 0.99))


def _create_tenant(bench: Bench, root: str, tenant: str, users: int) -> None:
    """The tenant and its admin, through the API (room for `users` users)."""
    bench.data(
        bench.call(
            "POST",
            "/api/v1/tenants",
            {
                "tenantId": tenant,
                "name": tenant,
                "plan": "premium",
                "adminEmail": f"admin@{tenant}.example",
                "adminPassword": PASSWORD,
                "quotas": {"maxUsers": users + 10},
            },
            token=root,
        )
    )


def _load_members(tenant: str, users: int, hashed: str) -> None:
    """The tenant's other `users - 1` members, in bulk."""
    users_table, rbac_table = settings().table_name("users"), settings().table_name("rbac")
    now = "2026-01-01T00:00:00.000Z"
    user_items: list[dict[str, Any]] = []
    rbac_items: list[dict[str, Any]] = []
    for n in range(users - 1):
        user_id, email = f"u_{tenant}_{n:05d}", f"member-{n:05d}@{tenant}.example"
        user_items.append(
            {
                "pk": {"S": f"TENANT#{tenant}#USERS"},
                "sk": {"S": f"USER#{user_id}"},
                "email": {"S": email},
                "passwordHash": {"S": hashed},
                "status": {"S": "active"},
                "profile": {"M": {}},
                "createdAt": {"S": now},
                "updatedAt": {"S": now},
                "failedLogins": {"N": "0"},
            }
        )
        user_items.append(
            {"pk": {"S": f"TENANT#{tenant}#USERS"}, "sk": {"S": f"EMAIL#{email}"}, "userId": {"S": user_id}}
        )
        rbac_items.append(
            {
                "pk": {"S": f"TENANT#{tenant}#RBAC"},
                "sk": {"S": f"USER#{user_id}"},
                "roles": {"L": [{"S": "member"}]},
            }
        )
    _write(users_table, user_items)
    _write(rbac_table, rbac_items)
    aws.client("dynamodb").update_item(
        TableName=users_table,
        Key={"pk": {"S": f"TENANT#{tenant}#USERS"}, "sk": {"S": "COUNT"}},
        UpdateExpression="ADD #count :n",
        ExpressionAttributeNames={"#count": "count"},
        ExpressionAttributeValues={":n": {"N": str(users - 1)}},
    )


def _write(table: str, items: list[dict[str, Any]]) -> None:
    client = aws.client("dynamodb")
    for start in range(0, len(items), _BATCH):
        pending: Any = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + _BATCH]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


class _Bar:
    """A one-line progress bar on stderr."""

    def __init__(self, *, total: int, label: str) -> None:
        self.total, self.label, self.began = total, label, time.monotonic()

    def show(self, done: int) -> None:
        filled = int(30 * done / self.total)
        rate = done / max(0.001, time.monotonic() - self.began)
        sys.stderr.write(
            f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} {self.label} ({rate:,.0f}/s)"
        )
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
