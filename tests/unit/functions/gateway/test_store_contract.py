"""The store contracts (`ports.ApiKeysStore`, `ports.RateCounters`) on both adapters: the DynamoDB stores
over moto and the in-memory fakes the domain tests use; and, on DynamoDB, that each call the authorizer
makes is one DynamoDB call (the budgets the domain tests count in store calls)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import pytest

from functions.gateway import api_key_store, rate_limit_store
from functions.gateway.ports import ApiKeyRecord, ApiKeysStore, RateCounters
from tests.kit import dynamodb_calls
from tests.unit.functions.gateway.fakes import FakeApiKeys, FakeCounters

DAY = 86400


@dataclass
class Adapters:
    keys: ApiKeysStore
    counters: RateCounters


@pytest.fixture(params=["fake", "dynamodb"])
def adapters(request: pytest.FixtureRequest) -> Adapters:
    if request.param == "fake":
        return Adapters(FakeApiKeys(), FakeCounters())
    request.getfixturevalue("dynamodb")
    return Adapters(api_key_store, rate_limit_store)


def a_key(
    digest: str,
    key_id: str,
    *,
    tenant: str = "acme",
    created: str = "2026-01-01T00:00:00.000Z",
    **changes: object,
) -> ApiKeyRecord:
    record = ApiKeyRecord(
        digest=digest,
        key_id=key_id,
        tenant_id=tenant,
        name="ci",
        prefix="stk_abcdefgh",
        scopes=("user.read", "file.read"),
        created_at=created,
        created_by="u_admin",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def test_a_key_is_found_by_its_digest_and_within_its_tenant_only(adapters: Adapters) -> None:
    key = a_key("d1", "key_1")
    adapters.keys.insert(key, keep_seconds=30 * DAY)
    assert adapters.keys.by_hash("d1") == key
    assert adapters.keys.by_hash("d2") is None
    assert adapters.keys.digest_of("acme", "key_1") == "d1"
    assert adapters.keys.digest_of("globex", "key_1") is None
    adapters.keys.delete("acme", "key_1", "d1")
    assert adapters.keys.by_hash("d1") is None
    assert adapters.keys.digest_of("acme", "key_1") is None


def test_a_tenants_keys_are_listed_newest_first_and_a_long_expired_one_is_gone(adapters: Adapters) -> None:
    now = time.time()
    old = a_key("d1", "key_1", created="2026-01-01T00:00:00.000Z")
    expired = a_key(
        "d2", "key_2", created="2026-01-02T00:00:00.000Z", expires_at_iso="x", expiry=float(round(now - DAY))
    )
    gone = a_key(
        "d3",
        "key_3",
        created="2026-01-03T00:00:00.000Z",
        expires_at_iso="y",
        expiry=float(round(now - 40 * DAY)),
    )
    other = a_key("d4", "key_4", tenant="globex")
    for key in (old, expired, gone, other):
        adapters.keys.insert(key, keep_seconds=30 * DAY)
    assert adapters.keys.listed("acme", 10) == [expired, old]
    assert adapters.keys.listed("acme", 1) == [expired]
    assert adapters.keys.by_hash("d2") == expired  # expired, still read: the domain says 401 "expired"
    assert adapters.keys.by_hash("d3") is None  # past its keeping: as if DynamoDB's TTL removed it
    assert adapters.keys.digest_of("acme", "key_3") is None


def test_last_used_moves_at_most_once_a_period_and_never_revives_a_key(adapters: Adapters) -> None:
    adapters.keys.insert(a_key("d1", "key_1"), keep_seconds=30 * DAY)
    adapters.keys.touch("d1", 1_800_000_000.0, 60)
    adapters.keys.touch("d1", 1_800_000_030.0, 60)  # within the minute: not moved
    assert adapters.keys.by_hash("d1").last_used_at == 1_800_000_000.0  # type: ignore[union-attr]
    adapters.keys.touch("d1", 1_800_000_061.0, 60)
    assert adapters.keys.by_hash("d1").last_used_at == 1_800_000_061.0  # type: ignore[union-attr]
    adapters.keys.delete("acme", "key_1", "d1")
    adapters.keys.touch("d1", 1_800_000_200.0, 60)
    assert adapters.keys.by_hash("d1") is None


def test_a_window_counts_each_hit_and_another_window_or_key_starts_again(adapters: Adapters) -> None:
    key = "TENANT#acme#RL#files"
    assert [adapters.counters.hit(key, 1_800_000_000, 1_800_000_120) for _ in range(3)] == [1, 2, 3]
    assert adapters.counters.hit(key, 1_800_000_060, 1_800_000_180) == 1
    assert adapters.counters.hit("TENANT#globex#RL#files", 1_800_000_000, 1_800_000_120) == 1


def test_on_dynamodb_each_authorizer_call_is_one_dynamodb_call(dynamodb: None) -> None:
    api_key_store.insert(a_key("d1", "key_1"), keep_seconds=30 * DAY)
    with dynamodb_calls() as seen:
        api_key_store.by_hash("d1")
    assert seen == ["GetItem"]
    with dynamodb_calls() as seen:
        api_key_store.touch("d1", time.time(), 60)
    assert seen == ["UpdateItem"]
    with dynamodb_calls() as seen:
        rate_limit_store.hit("TENANT#acme#RL#files", 1_800_000_000, 1_800_000_120)
    assert seen == ["UpdateItem"]
