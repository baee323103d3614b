"""Feature flags, evaluated in-process (docs/config-center.md).

    from shared import flags

    if flags.enabled("new-checkout"):                    # the current request's user
        ...
    flags.enabled("new-checkout", FlagContext("acme", user_id="u_1", roles=("beta",), plan="premium"))

The flags are the configuration document under the key `flags`, merged across scopes like any other
(platform < plan < tenant < app). Its format is Powertools' feature flags schema, and Powertools' own
`SchemaValidator` checks it and its `FeatureFlags` engine evaluates it (over a plain in-memory store):

    {"new-checkout": {"default": false,
                      "rules": {"beta testers": {"when_match": true,
                                                 "conditions": [{"action": "ANY_IN_VALUE",
                                                                 "key": "roles", "value": ["beta"]}]}}}}

Rules are tried in document order; the first whose conditions all hold gives `when_match`, else `default`.
The context a condition's `key` names: `tenantId`, `userId`, `plan`, `roles` (list), `permissions` (list),
`app`, and `rolloutBucket` — sha256("<flag>:<userId>") mod 100, stable per user and flag, so
`{"action": "KEY_LESS_THAN_VALUE", "key": "rolloutBucket", "value": 25}` is a 25 % rollout. A key the
context lacks (no user, plan not known) never matches, as in Powertools.

Cost and staleness. Each container keeps the merged, validated flags of a (tenant, plan, app) for
`STALENESS_SECONDS` (5 s) in a bounded cache (`MAX_ENTRIES`, least recently used out): a warm evaluation
reads nothing (no network, no DynamoDB), a miss costs a GetItem (the tenant's plan, unless given) and a
BatchGetItem (the scopes' current documents, eventually consistent). A change reaches the container that
made it at once (the config service clears its cache on write) and the config service's subscriber clears
its own on `config.changed`; every other container sees it within 5 s. A flag whose merged definition is
not valid is left out (logged) and so answers the default; if the table cannot be read, every flag
answers its default and nothing is cached.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.feature_flags import FeatureFlags, StoreProvider
from aws_lambda_powertools.utilities.feature_flags.exceptions import SchemaValidationError
from aws_lambda_powertools.utilities.feature_flags.schema import (
    ConditionsValidator,
    FeaturesValidator,
    RuleAction,
    RulesValidator,
)
from botocore.exceptions import BotoCoreError, ClientError

from shared import config_docs
from shared.context import UserContext, current
from shared.errors import StratusError
from shared.observability import logger
from shared.ttl_cache import TTLCache

FLAGS_KEY = "flags"
STALENESS_SECONDS = 5.0
MAX_ENTRIES = 1024
ROLLOUT_BUCKETS = 100
FLAG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_FLAG_MEMBERS = {"default", "rules", "boolean_type"}
_RULE_MEMBERS = {"when_match", "conditions"}
_CONDITION_MEMBERS = {"action", "key", "value"}

log = logger("kernel")
_engine_log = logging.getLogger("stratus.flags")  # Powertools' engine logs every step at debug level


@dataclass(frozen=True)
class FlagContext:
    """Who a flag is evaluated for. `plan` None: the tenant's plan as the config service knows it."""

    tenant_id: str
    user_id: str | None = None
    roles: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    plan: str | None = None
    app: str | None = None

    @classmethod
    def of(cls, user: UserContext, *, plan: str | None = None, app: str | None = None) -> FlagContext:
        return cls(user.tenant_id, user.user_id, tuple(user.roles), tuple(user.permissions), plan, app)


# --- validation (also the config service's check of a `flags` document) -------------------------------
@dataclass(frozen=True)
class Problem:
    path: str  # where in the document, e.g. `new-checkout.rules.beta.conditions[0].action`
    message: str


def problems(document: Any) -> list[Problem]:
    """Everything wrong with a flags document, each with its path; [] when Powertools' schema (and the
    stricter rules here: boolean flags, no unknown members, flag names) accept it."""
    if not isinstance(document, dict):
        return [Problem("", "must be an object of flags")]
    found: list[Problem] = []
    for name, flag in document.items():
        found.extend(_flag_problems(name, flag))
    return found


def _flag_problems(name: str, flag: Any) -> list[Problem]:
    at = _member("", name)
    if not FLAG_NAME.fullmatch(name):
        return [Problem(at, "a flag name is 1-100 letters, digits, '_', '.', '-'")]
    try:
        FeaturesValidator.validate_feature(name, flag)
    except SchemaValidationError as exc:
        return [Problem(at, str(exc))]
    found = [Problem(_member(at, m), "unknown member") for m in flag if m not in _FLAG_MEMBERS]
    if flag.get("boolean_type", True) is not True:
        found.append(Problem(_member(at, "boolean_type"), "only boolean flags are supported"))
    rules = flag.get("rules")
    if rules is None or rules == {}:
        return found
    if not isinstance(rules, dict):
        return [*found, Problem(_member(at, "rules"), "must be an object of named rules")]
    for rule_name, rule in rules.items():
        found.extend(_rule_problems(name, _member(_member(at, "rules"), rule_name), rule_name, rule))
    return found


def _rule_problems(flag: str, at: str, rule_name: str, rule: Any) -> list[Problem]:
    try:
        RulesValidator.validate_rule(rule=rule, rule_name=rule_name, feature_name=flag, boolean_feature=True)
    except SchemaValidationError as exc:
        where = _member(at, "when_match") if isinstance(rule, dict) and rule else at
        return [Problem(where, str(exc))]
    found = [Problem(_member(at, m), "unknown member") for m in rule if m not in _RULE_MEMBERS]
    conditions = rule.get("conditions")
    if not conditions or not isinstance(conditions, list):
        return [*found, Problem(_member(at, "conditions"), "must be a non-empty list of conditions")]
    for index, condition in enumerate(conditions):
        where = f"{_member(at, 'conditions')}[{index}]"
        if isinstance(condition, dict):
            found.extend(
                Problem(_member(where, m), "unknown member") for m in condition if m not in _CONDITION_MEMBERS
            )
            action = condition.get("action")
            if not isinstance(action, str) or action not in RuleAction.__members__:
                known = ", ".join(a.value for a in RuleAction)
                found.append(
                    Problem(_member(where, "action"), f"unknown operator {action!r}; one of {known}")
                )
                continue
        try:
            ConditionsValidator.validate_condition(rule_name=rule_name, condition=condition)
        except SchemaValidationError as exc:
            found.append(Problem(where, str(exc)))
    return found


def _member(path: str, name: str) -> str:
    part = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f"[{name!r}]"
    if part.startswith("["):
        return f"{path}{part}"
    return f"{path}.{part}" if path else part


# --- evaluation ----------------------------------------------------------------------------------------
class _Fixed(StoreProvider):
    """Powertools' store interface over a document already in memory."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    @property
    def get_raw_configuration(self) -> dict[str, Any]:
        return self._document

    def get_configuration(self) -> dict[str, Any]:
        return self._document


@dataclass(frozen=True)
class Flags:
    """A merged flags document, its invalid flags left out, ready to evaluate."""

    document: dict[str, Any] = field(default_factory=dict)
    plan: str | None = None
    _engine: FeatureFlags | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, document: Any, *, plan: str | None = None) -> Flags:
        valid: dict[str, Any] = {}
        for name, flag in (document or {}).items() if isinstance(document, dict) else ():
            wrong = _flag_problems(name, flag)
            if wrong:
                log.warning(
                    "flag left out: its merged definition is not valid", flag=name, problem=wrong[0].message
                )
                continue
            # An empty `rules` is the default alone (Powertools would warn about it on every validation).
            valid[name] = {k: v for k, v in flag.items() if not (k == "rules" and not v)}
        engine = FeatureFlags(store=_Fixed(valid), logger=_engine_log) if valid else None
        return cls(valid, plan, engine)

    def evaluate(self, name: str, ctx: FlagContext, default: bool = False) -> bool:
        if self._engine is None or name not in self.document:
            return default
        return bool(
            self._engine.evaluate(name=name, context=rule_context(name, ctx, self.plan), default=default)
        )

    def evaluate_all(self, ctx: FlagContext) -> dict[str, bool]:
        return {name: self.evaluate(name, ctx) for name in self.document}


def bucket(flag: str, user_id: str) -> int:
    """The user's rollout bucket for this flag, 0-99: stable, and independent from one flag to another."""
    digest = hashlib.sha256(f"{flag}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % ROLLOUT_BUCKETS


def rule_context(flag: str, ctx: FlagContext, plan: str | None = None) -> dict[str, Any]:
    """What a condition's `key` can name (keys the caller cannot know are absent: they never match)."""
    found: dict[str, Any] = {
        "tenantId": ctx.tenant_id,
        "roles": list(ctx.roles),
        "permissions": list(ctx.permissions),
    }
    known_plan = ctx.plan or plan
    if known_plan is not None:
        found["plan"] = known_plan
    if ctx.app is not None:
        found["app"] = ctx.app
    if ctx.user_id is not None:
        found["userId"] = ctx.user_id
        found["rolloutBucket"] = bucket(flag, ctx.user_id)
    return found


# --- the cached read -----------------------------------------------------------------------------------
_cache: TTLCache[tuple[str, str | None, str | None], Flags] = TTLCache(
    maxsize=MAX_ENTRIES, ttl=STALENESS_SECONDS
)


def enabled(name: str, ctx: FlagContext | UserContext | None = None, *, default: bool = False) -> bool:
    """Whether flag `name` is on for `ctx` (default: the current request's user). A flag nobody defined,
    or a request without a user, answers `default`."""
    context = _context(ctx)
    if context is None:
        return default
    return flags_for(context).evaluate(name, context, default)


def evaluate_all(ctx: FlagContext | UserContext | None = None) -> dict[str, bool]:
    """Every defined flag for `ctx`, by name."""
    context = _context(ctx)
    if context is None:
        return {}
    return flags_for(context).evaluate_all(context)


def flags_for(ctx: FlagContext) -> Flags:
    """The merged flags of `ctx`'s tenant (and app): from this container's cache, else read and kept."""
    key = (ctx.tenant_id, ctx.plan, ctx.app)
    found = _cache.get(key)
    if found is not None:
        return found
    try:
        found = load(ctx.tenant_id, plan=ctx.plan, app=ctx.app)
    except (BotoCoreError, ClientError, StratusError, ValueError):  # ValueError: not a tenant or app name
        log.warning("flags not readable: every flag answers its default", exc_info=True)
        return Flags()
    _cache.put(key, found)
    return found


def load(tenant_id: str, *, plan: str | None = None, app: str | None = None) -> Flags:
    """Read and merge the flags of a tenant (and app), uncached: a GetItem for the plan unless it is given,
    and one BatchGetItem."""
    document, known_plan = config_docs.read_effective(tenant_id, FLAGS_KEY, plan=plan, app=app)
    return Flags.of(document, plan=known_plan)


def invalidate() -> None:
    """Forget every cached flag in this container (a change to any scope: platform and plan changes touch
    every tenant, and config writes are rare enough not to track finer)."""
    _cache.clear()


def _context(ctx: FlagContext | UserContext | None) -> FlagContext | None:
    if isinstance(ctx, FlagContext):
        return ctx
    if isinstance(ctx, UserContext):
        return FlagContext.of(ctx)
    request = current()
    return FlagContext.of(request.user) if request is not None and request.user is not None else None
