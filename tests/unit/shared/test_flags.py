"""The kernel's feature flags: Powertools' rule format evaluated in-process, scopes merged, a bounded 5 s
cache that reads nothing when warm, and every failure answering the default."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from shared import aws, config_docs, flags
from shared.config_docs import HEAD, Scope
from shared.context import UserContext
from shared.declarations import Table
from shared.flags import FlagContext, Flags
from shared.ttl_cache import TTLCache
from stratus.provision import create_table
from tests.kit import dynamodb_calls

ACME = FlagContext("acme", user_id="u_1", roles=("member",), permissions=("file.read",))


@pytest.fixture(autouse=True)
def config_table() -> Iterator[None]:
    with mock_aws():
        create_table(Table(config_docs.TABLE, indexes=0, ttl_attribute=None))
        flags.invalidate()
        yield
        flags.invalidate()


def put_flags(scope: Scope, value: Any, *, version: int = 1) -> None:
    aws.client("dynamodb").put_item(
        TableName=config_docs.table_name(),
        Item={
            "pk": {"S": scope.partition(flags.FLAGS_KEY)},
            "sk": {"S": HEAD},
            "version": {"N": str(version)},
            "value": {"S": json.dumps(value)},
        },
    )


def put_plan(tenant: str, plan: str) -> None:
    item = {**config_docs.plan_key(tenant), "plan": {"S": plan}, "planAt": {"S": "2024-01-01T00:00:00Z"}}
    aws.client("dynamodb").put_item(TableName=config_docs.table_name(), Item=item)


def rule(action: str, key: str, value: Any, when: bool = True) -> dict[str, Any]:
    return {"when_match": when, "conditions": [{"action": action, "key": key, "value": value}]}


# --- evaluation ------------------------------------------------------------------------------------------
def test_on_and_off_by_default_and_undefined_flags_answer_the_callers_default() -> None:
    # GIVEN one flag on and one off, with no rules
    compiled = Flags.of({"on": {"default": True}, "off": {"default": False}})
    # WHEN they are evaluated  THEN each answers its default; an unknown flag answers the caller's default
    assert compiled.evaluate("on", ACME) is True
    assert compiled.evaluate("off", ACME) is False
    assert compiled.evaluate("nobody-defined-it", ACME) is False
    assert compiled.evaluate("nobody-defined-it", ACME, default=True) is True


@pytest.mark.parametrize(
    ("condition", "ctx", "expected"),
    [
        (("IN", "tenantId", ["acme", "initech"]), ACME, True),
        (("IN", "tenantId", ["globex"]), ACME, False),
        (("EQUALS", "plan", "premium"), FlagContext("acme", plan="premium"), True),
        (("EQUALS", "plan", "premium"), FlagContext("acme", plan="free"), False),
        (("ANY_IN_VALUE", "roles", ["beta", "staff"]), FlagContext("acme", roles=("member", "beta")), True),
        (("ANY_IN_VALUE", "roles", ["beta", "staff"]), FlagContext("acme", roles=("member",)), False),
        # a key the context lacks never matches, even a negative action (Powertools' semantics)
        (("NOT_EQUALS", "plan", "free"), FlagContext("acme"), False),
        (("EQUALS", "userId", "u_1"), FlagContext("acme"), False),
    ],
)
def test_rules_by_tenant_plan_and_role(
    condition: tuple[str, str, Any], ctx: FlagContext, expected: bool
) -> None:
    # GIVEN a flag off by default that one rule turns on
    compiled = Flags.of({"f": {"default": False, "rules": {"r": rule(*condition)}}})
    # WHEN it is evaluated for ctx  THEN the rule decides
    assert compiled.evaluate("f", ctx) is expected


def test_the_first_matching_rule_in_document_order_wins() -> None:
    compiled = Flags.of(
        {
            "f": {
                "default": True,
                "rules": {
                    "not for globex": rule("EQUALS", "tenantId", "globex", when=False),
                    "everyone else on acme": rule("EQUALS", "tenantId", "acme", when=True),
                },
            }
        }
    )
    assert compiled.evaluate("f", FlagContext("globex")) is False
    assert compiled.evaluate("f", ACME) is True


def test_a_percentage_rollout_is_stable_per_user_and_close_to_its_share() -> None:
    # GIVEN a 25 % rollout by the user's bucket
    compiled = Flags.of(
        {"f": {"default": False, "rules": {"quarter": rule("KEY_LESS_THAN_VALUE", "rolloutBucket", 25)}}}
    )
    users = [FlagContext("acme", user_id=f"u_{i}") for i in range(4000)]
    # WHEN every user asks (twice)
    first = [compiled.evaluate("f", u) for u in users]
    second = [compiled.evaluate("f", u) for u in users]
    # THEN each user gets the same answer every time, about a quarter of them on
    assert first == second
    assert 0.22 < sum(first) / len(first) < 0.28
    # AND the bucket is sha256("<flag>:<userId>") mod 100, independent from one flag to the next
    digest = hashlib.sha256(b"f:u_7").digest()
    assert flags.bucket("f", "u_7") == int.from_bytes(digest[:8], "big") % 100
    other = [flags.bucket("g", f"u_{i}") < 25 for i in range(4000)]
    assert other != first


def test_anonymous_callers_are_never_in_a_rollout() -> None:
    compiled = Flags.of(
        {"f": {"default": False, "rules": {"all": rule("KEY_LESS_THAN_VALUE", "rolloutBucket", 100)}}}
    )
    assert compiled.evaluate("f", FlagContext("acme", user_id="u_1")) is True
    assert compiled.evaluate("f", FlagContext("acme")) is False


def test_an_invalid_flag_is_left_out_and_answers_the_default_while_the_others_work() -> None:
    compiled = Flags.of(
        {
            "broken": {"default": "yes"},
            "bad-rule": {"default": True, "rules": {"r": rule("NOPE", "a", 1)}},
            "ok": {"default": True},
        }
    )
    assert set(compiled.document) == {"ok"}
    assert compiled.evaluate("broken", ACME) is False
    assert compiled.evaluate_all(ACME) == {"ok": True}


# --- validation ------------------------------------------------------------------------------------------
def test_problems_name_the_json_path_of_each_mistake() -> None:
    like = {"action": "LIKE", "key": "k", "value": 1}
    found = flags.problems(
        {
            "a": {"default": True, "rules": {"beta users": {"when_match": True, "conditions": [like]}}},
            "b": {"default": 1},
            "c": {"default": False, "rules": {"r": {"when_match": True, "conditions": []}}},
            "d": {"default": False, "typo": 1},
            "e": {"default": False, "rules": {"r": rule("EQUALS", "plan", None)}},
        }
    )  # fmt: skip
    paths = [p.path for p in found]
    assert paths == [
        "a.rules['beta users'].conditions[0].action",
        "b",
        "c.rules.r.conditions",
        "d.typo",
        "e.rules.r.conditions[0]",
    ]
    assert "LIKE" in found[0].message
    assert flags.problems([]) == [flags.Problem("", "must be an object of flags")]
    assert flags.problems({"ok": {"default": True, "rules": {}}}) == []


# --- the cached read -------------------------------------------------------------------------------------
def test_scopes_merge_platform_then_plan_then_tenant() -> None:
    # GIVEN a platform rollout, a plan that turns a flag on, a tenant that removes the platform's rule
    put_plan("acme", "premium")
    put_flags(
        Scope.platform(),
        {
            "rollout": {
                "default": False,
                "rules": {"all": rule("KEY_LESS_THAN_VALUE", "rolloutBucket", 100)},
            },
            "premium-only": {"default": False},
            "tenant-off": {
                "default": False,
                "rules": {"all": rule("KEY_LESS_THAN_VALUE", "rolloutBucket", 100)},
            },
        },
    )
    put_flags(Scope.plan("premium"), {"premium-only": {"default": True}})
    put_flags(Scope.tenant("acme"), {"tenant-off": {"rules": None}})
    # WHEN acme's user asks  THEN each scope's part shows
    assert flags.evaluate_all(ACME) == {"rollout": True, "premium-only": True, "tenant-off": False}
    # AND another tenant on no known plan gets the platform's alone
    assert flags.evaluate_all(FlagContext("globex", user_id="u_9")) == {
        "rollout": True,
        "premium-only": False,
        "tenant-off": True,
    }


def test_an_app_scope_merges_over_the_tenant() -> None:
    put_flags(Scope.tenant("acme"), {"f": {"default": False}})
    put_flags(Scope.app("acme", "crm"), {"f": {"default": True}})
    assert flags.enabled("f", ACME) is False
    assert flags.enabled("f", FlagContext("acme", user_id="u_1", app="crm")) is True


def test_a_warm_evaluation_makes_no_dynamodb_call_and_a_cold_one_two() -> None:
    put_plan("acme", "standard")
    put_flags(Scope.platform(), {"f": {"default": True}})
    with dynamodb_calls() as cold:
        assert flags.enabled("f", ACME) is True
    assert cold == ["GetItem", "BatchGetItem"]
    with dynamodb_calls() as warm:
        for i in range(200):
            assert flags.enabled("f", FlagContext("acme", user_id=f"u_{i}", roles=("member",)))
    assert warm == []
    # a plan the caller already knows spares the GetItem
    flags.invalidate()
    with dynamodb_calls() as given_plan:
        flags.enabled("f", FlagContext("acme", plan="standard"))
    assert given_plan == ["BatchGetItem"]


def test_the_cache_is_at_most_five_seconds_stale_and_invalidate_makes_it_fresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(
        flags,
        "_cache",
        TTLCache(maxsize=flags.MAX_ENTRIES, ttl=flags.STALENESS_SECONDS, clock=lambda: now[0]),
    )
    put_flags(Scope.platform(), {"f": {"default": False}})
    assert flags.enabled("f", ACME) is False
    # GIVEN another container changes the flag
    put_flags(Scope.platform(), {"f": {"default": True}}, version=2)
    # WHEN less than 5 s have passed  THEN this container still answers the old value
    now[0] += 4.9
    assert flags.enabled("f", ACME) is False
    # WHEN 5 s have passed  THEN it reads again
    now[0] += 0.1
    assert flags.enabled("f", ACME) is True
    # AND an invalidation (a write in this container, or config.changed) is fresh at once
    put_flags(Scope.platform(), {"f": {"default": False}}, version=3)
    flags.invalidate()
    assert flags.enabled("f", ACME) is False


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flags, "_cache", TTLCache(maxsize=3, ttl=flags.STALENESS_SECONDS))
    for i in range(10):
        flags.enabled("f", FlagContext(f"tenant-{i}"))
    assert len(flags._cache) == 3


def test_an_unreadable_table_answers_every_default_and_caches_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    put_flags(Scope.platform(), {"f": {"default": True}})
    monkeypatch.setattr(aws.client("dynamodb"), "batch_get_item", _refuse)
    assert flags.enabled("f", ACME) is False
    assert flags.enabled("f", ACME, default=True) is True
    monkeypatch.undo()
    assert flags.enabled("f", ACME) is True


def _refuse(**_: Any) -> Any:
    from botocore.exceptions import ClientError

    raise ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}, "BatchGetItem"
    )


def test_the_current_requests_user_is_the_default_context() -> None:
    from shared import context
    from shared.context import RequestContext

    put_flags(
        Scope.platform(), {"f": {"default": False, "rules": {"acme": rule("EQUALS", "tenantId", "acme")}}}
    )
    user = UserContext(user_id="u_1", tenant_id="acme", roles=("member",))
    with context.bound(RequestContext(request_id="r", correlation_id="c", service="files", user=user)):
        assert flags.enabled("f") is True
    assert flags.enabled("f") is False  # no request, no user: the default


# --- whatever a client sends -----------------------------------------------------------------------------
_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
_condition = st.fixed_dictionaries(
    {"action": st.sampled_from(["EQUALS", "IN", "ANY_IN_VALUE", "MODULO_RANGE", "STARTSWITH", "BAD"])},
    optional={"key": _json | st.sampled_from(["roles", "plan", "rolloutBucket"]), "value": _json},
)
_rule = st.fixed_dictionaries(
    {}, optional={"when_match": _json, "conditions": st.lists(_condition, max_size=2) | _json}
)
_flag = st.fixed_dictionaries(
    {}, optional={"default": _json, "rules": st.dictionaries(st.text(max_size=6), _rule, max_size=2) | _json}
)
_document = st.dictionaries(st.text(max_size=10), _flag | _json, max_size=3) | _json


@settings(max_examples=300, deadline=None)
@given(document=_document)
def test_any_document_is_checked_and_evaluated_without_an_exception(document: Any) -> None:
    found = flags.problems(document)
    compiled = Flags.of(document)
    if not isinstance(document, dict):
        assert found
        assert compiled.document == {}
    else:  # exactly the flags without a problem are kept
        assert set(compiled.document) == {n for n in document if not flags._flag_problems(n, document[n])}
    for ctx in (ACME, FlagContext("acme", roles=("beta",), plan="premium")):
        assert all(isinstance(v, bool) for v in compiled.evaluate_all(ctx).values())
