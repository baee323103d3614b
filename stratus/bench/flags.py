"""The kernel's cached flag evaluation, measured (docs/config-center.md):

    stratus flags bench [--evaluations N]

A realistic `flags` document at the platform, plan and tenant scopes (20 flags, each with a role rule, a
plan rule and a 25 % rollout) in an in-process moto table; then `shared.flags.enabled` for users of one
tenant: the first evaluation fills the container's cache (its DynamoDB calls are counted), the next N are
timed (µs per evaluation, the median of five rounds) and their DynamoDB calls counted — none, once warm.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from shared import aws, config_docs, flags
from shared.config import settings
from shared.config_docs import HEAD, Scope
from shared.declarations import Table

FLAG_COUNT = 20
USERS = 1000
ROUNDS = 5


@dataclass(frozen=True)
class FlagBench:
    evaluations: int
    us_per_evaluation: float  # median of the rounds
    us_min: float
    cold_calls: list[str]  # the DynamoDB operations of the first (uncached) evaluation
    warm_calls: int  # DynamoDB calls of every evaluation after it
    flags: int
    enabled_share: float  # how many of the evaluations answered on (the 25 % rollout shows here)


def measure(evaluations: int = 100_000) -> FlagBench:
    from moto import mock_aws  # a dev dependency: the benchmark is a tool, never deployed

    with _isolated(), mock_aws():
        from stratus.provision import create_table

        create_table(Table(config_docs.TABLE, indexes=0, ttl_attribute=None))
        _seed()
        flags.invalidate()
        contexts = [
            flags.FlagContext("acme", user_id=f"u_{i:05d}", roles=("member",), permissions=("file.read",))
            for i in range(USERS)
        ]
        names = [f"flag-{i}" for i in range(FLAG_COUNT)]
        with _dynamodb_calls() as cold:
            flags.enabled(names[0], contexts[0])
        per_round = max(1, evaluations // ROUNDS)
        timings: list[float] = []
        on = 0
        with _dynamodb_calls() as warm:
            for _round in range(ROUNDS):
                started = time.perf_counter()
                for i in range(per_round):
                    on += flags.enabled(names[i % FLAG_COUNT], contexts[i % USERS])
                timings.append((time.perf_counter() - started) / per_round * 1e6)
        flags.invalidate()
    return FlagBench(
        evaluations=per_round * ROUNDS,
        us_per_evaluation=statistics.median(timings),
        us_min=min(timings),
        cold_calls=list(cold),
        warm_calls=len(warm),
        flags=FLAG_COUNT,
        enabled_share=on / (per_round * ROUNDS),
    )


def render(result: FlagBench) -> str:
    return "\n".join(
        [
            f"flag evaluation, cached: {result.us_per_evaluation:.1f} µs per evaluation "
            f"(median of {ROUNDS} rounds; best {result.us_min:.1f} µs), {result.evaluations} evaluations",
            f"  DynamoDB calls once warm: {result.warm_calls}; the first (cold) evaluation: "
            f"{len(result.cold_calls)} ({', '.join(result.cold_calls) or 'none'})",
            f"  {result.flags} flags of 3 rules each over 3 scopes; {result.enabled_share:.0%} answered on",
        ]
    )


def _flag(i: int) -> dict[str, Any]:
    return {
        "default": False,
        "rules": {
            "beta testers": {
                "when_match": True,
                "conditions": [{"action": "ANY_IN_VALUE", "key": "roles", "value": ["beta"]}],
            },
            "premium plan": {
                "when_match": True,
                "conditions": [{"action": "EQUALS", "key": "plan", "value": "premium"}],
            },
            "a quarter of users": {
                "when_match": True,
                "conditions": [{"action": "KEY_LESS_THAN_VALUE", "key": "rolloutBucket", "value": 25}],
            },
        },
    }


def _seed() -> None:
    platform = {f"flag-{i}": _flag(i) for i in range(FLAG_COUNT)}
    plan = {f"flag-{i}": {"default": False} for i in range(0, FLAG_COUNT, 4)}
    tenant = {f"flag-{i}": {"rules": {"beta testers": None}} for i in range(0, FLAG_COUNT, 5)}
    client = aws.client("dynamodb")
    for scope, value in (
        (Scope.platform(), platform),
        (Scope.plan("standard"), plan),
        (Scope.tenant("acme"), tenant),
    ):
        client.put_item(
            TableName=config_docs.table_name(),
            Item={
                "pk": {"S": scope.partition(flags.FLAGS_KEY)},
                "sk": {"S": HEAD},
                "version": {"N": "1"},
                "value": {"S": json.dumps(value)},
            },
        )
    client.put_item(
        TableName=config_docs.table_name(),
        Item={**config_docs.plan_key("acme"), "plan": {"S": "standard"}, "planAt": {"S": "2024-01-01"}},
    )


@contextmanager
def _isolated() -> Iterator[None]:
    """No emulator endpoint and fake credentials while moto runs in-process; the settings come back after."""
    saved = dict(os.environ)
    for name in ("STRATUS_ENDPOINT_URL", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    settings.cache_clear()
    aws.reset_clients()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        settings.cache_clear()
        aws.reset_clients()


@contextmanager
def _dynamodb_calls() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(model: Any, **_: Any) -> None:
        seen.append(model.name)

    events = aws.client("dynamodb").meta.events
    events.register("before-call.dynamodb.*", record)
    try:
        yield seen
    finally:
        events.unregister("before-call.dynamodb.*", record)
