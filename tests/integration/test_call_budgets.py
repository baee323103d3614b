"""Calls per public operation, held to a budget (docs/benchmarks.md explains each call that remains).

Each operation runs once through the in-process gateway of a platform on an embedded moto server (the
bench's own set-up, `stratus.bench.workload`), with a fresh session made beforehand and outside the count.
DynamoDB calls are counted by botocore's `before-call`/`after-call` hooks over the whole call tree
(`stratus.bench.instruments`); internal hops are the invocations of internal routes (on AWS, each is a
call to another function). A budget that an operation exceeds fails here, in `make test`, not in a bench.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from functions.catalog import registry as platform_registry
from shared.adapters.gateway import HttpResponse
from shared.declarations import Auth, Route
from shared.registry import Registry
from stratus.bench import instruments
from stratus.bench.budgets import BUDGETS
from stratus.bench.workload import PASSWORD, TENANT, Bench, World, setup

pytestmark = pytest.mark.integration

MEMBER = f"ada@{TENANT}.example"


@dataclass
class Count:
    status: int
    dynamodb: int
    by_operation: Counter[str]
    hops: int
    authorizer: int


class Platform:
    def __init__(self, bench: Bench, world: World) -> None:
        self.bench, self.world = bench, world
        self.registry: Registry = bench.registry

    def fresh_token(self) -> str:
        return str(self.bench.login(MEMBER, PASSWORD, TENANT)["accessToken"])

    def count(self, run: Callable[[], HttpResponse]) -> Count:
        with instruments.recording() as seen:
            reply = run()
        internal = [f for f in seen.frames if self._is_internal(f.function)]
        authorizer = [f for f in seen.frames if f.function == "gateway-authorizer"]
        under_authorizer = [f for f in seen.frames if _descends_from(f, authorizer)]
        dynamodb = Counter(
            {k.split(":", 1)[1]: v for k, v in seen.calls.items() if k.startswith("dynamodb:")}
        )
        return Count(
            status=reply.status,
            dynamodb=sum(dynamodb.values()),
            by_operation=dynamodb,
            hops=len(internal),
            authorizer=sum(
                n for f in under_authorizer for k, n in f.calls.items() if k.startswith("dynamodb:")
            ),
        )

    def _is_internal(self, name: str) -> bool:
        trigger = self.registry.function(name).trigger
        return isinstance(trigger, Route) and trigger.auth in (Auth.SERVICE, Auth.SYSTEM)


def _descends_from(frame: instruments.Frame, roots: list[instruments.Frame]) -> bool:
    current: instruments.Frame | None = frame
    while current is not None:
        if any(current is root for root in roots):
            return True
        current = current.parent
    return False


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    registry = platform_registry()
    instruments.install(registry)  # hooks botocore client creation before the platform makes any client
    bench = Bench(registry, pumps=False).start()
    try:
        yield Platform(bench, setup(bench))
    finally:
        bench.stop()


def _operations(p: Platform) -> dict[str, Callable[[], Callable[[], HttpResponse]]]:
    """Each operation's untimed preparation, returning the counted call."""
    call, world = p.bench.call, p.world

    def register() -> Callable[[], HttpResponse]:
        email = f"budget-{uuid.uuid4().hex[:8]}@{TENANT}.example"
        body = {"email": email, "password": PASSWORD, "tenantId": TENANT}
        return lambda: call("POST", "/api/v1/auth/register", body)

    def login() -> Callable[[], HttpResponse]:
        body = {"email": MEMBER, "password": PASSWORD, "tenantId": TENANT}
        return lambda: call("POST", "/api/v1/auth/login", body)

    def refresh() -> Callable[[], HttpResponse]:
        token = p.bench.login(MEMBER, PASSWORD, TENANT)["refreshToken"]
        return lambda: call("POST", "/api/v1/auth/refresh", {"refreshToken": token})

    def change_password() -> Callable[[], HttpResponse]:
        # a member of its own, so that the other operations' password stays as it is
        email = f"budget-{uuid.uuid4().hex[:8]}@{TENANT}.example"
        p.bench.data(
            call("POST", "/api/v1/auth/register", {"email": email, "password": PASSWORD, "tenantId": TENANT})
        )
        token = p.bench.login(email, PASSWORD, TENANT)["accessToken"]
        body = {"currentPassword": PASSWORD, "newPassword": f"budget-{uuid.uuid4().hex}"}
        return lambda: call("POST", "/api/v1/auth/change-password", body, token=token)

    def protected(method: str, path: str) -> Callable[[], Callable[[], HttpResponse]]:
        def prepare() -> Callable[[], HttpResponse]:
            token = p.fresh_token()
            return lambda: call(method, path, token=token)

        return prepare

    return {
        "POST /api/v1/auth/register": register,
        "POST /api/v1/auth/login": login,
        "POST /api/v1/auth/refresh": refresh,
        "POST /api/v1/auth/change-password": change_password,
        "POST /api/v1/auth/logout": protected("POST", "/api/v1/auth/logout"),
        "GET /api/v1/users/me": protected("GET", "/api/v1/users/me"),
        "GET /api/v1/users/{userId}": protected("GET", f"/api/v1/users/{world.member_id}"),
        "GET /api/v1/files/{fileId}": lambda: (
            lambda token: lambda: call("GET", f"/api/v1/files/{world.file_id}", token=token)
        )(world.admin),
    }


@pytest.mark.parametrize("operation", sorted(BUDGETS))
def test_each_public_operation_stays_within_its_call_budget(platform: Platform, operation: str) -> None:
    # GIVEN what the operation needs (a fresh session), made outside the count
    run = _operations(platform)[operation]()
    # WHEN it runs once
    counted = platform.count(run)
    # THEN it succeeds within its budget of DynamoDB calls and internal hops
    budget = BUDGETS[operation]
    assert counted.status < 300, counted
    assert counted.dynamodb <= budget.dynamodb, f"{operation}: {dict(counted.by_operation)}"
    assert counted.hops <= budget.hops, counted
    if budget.authorizer is not None:
        assert counted.authorizer <= budget.authorizer, counted


def test_the_authorizer_is_one_dynamodb_call_however_many_requests_a_session_makes(
    platform: Platform,
) -> None:
    # GIVEN a session (its token's epoch is the user's)
    token = platform.fresh_token()
    # WHEN it makes several requests  THEN each costs the authorizer one call: check and rate limits together
    for _ in range(3):
        counted = platform.count(lambda: platform.bench.call("GET", "/api/v1/users/me", token=token))
        assert (counted.status, counted.authorizer, counted.dynamodb) == (200, 1, 2), counted
        assert counted.by_operation["TransactWriteItems"] == 1


def test_a_logout_counts_on_the_very_next_request_despite_the_single_call(platform: Platform) -> None:
    token = platform.fresh_token()
    assert platform.bench.call("POST", "/api/v1/auth/logout", token=token).status < 300
    refused = platform.bench.call("GET", "/api/v1/users/me", token=token)
    assert refused.status == 401
