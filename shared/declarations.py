"""One declaration per function: the single source the local runner reads and the deployments are built
from (or checked against).

A service's `manifest.py` declares a `Service` with its tables and functions. Handlers are found by
convention (`functions.<service>.<module>.handler`), so a declaration never repeats a dotted path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.app_graphql import GraphQLContribution


class Layer(IntEnum):
    """Seed 000's layers; a service may call only services of a lower layer."""

    INFRASTRUCTURE = 0
    CORE = 1
    BUSINESS = 2
    APPLICATION = 3
    # Above the seed's four: a facade that composes application services (and apps) into one read API
    # (functions/graphql). Its calls still point only downward; nothing calls it.
    EDGE = 4


class Auth(StrEnum):
    PUBLIC = "public"  # anyone (login, health, JWKS)
    USER = "user"  # a verified user token: the gateway's authorizer runs first
    SERVICE = "service"  # a service token whose audience is the callee (every /internal route by default)
    SYSTEM = "system"  # a service token and a system token from auth (maintenance endpoints of jobs)
    METRICS = "metrics"  # a Prometheus scrape token (bearer, STRATUS_METRICS_TOKEN) or a service token


_PARAM = re.compile(r"\{(\w+)\+?\}")
# `ANY` routes (API Gateway's catch-all method) serve these methods.
ANY_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /api/v1/users/{userId}
    auth: Auth | None = None  # None: derived from the path (below)
    status: int = 200  # the success status (201 for creates, 204 for no content)
    # Repeating the call has the effect of making it once. GET/PUT/DELETE are; a POST is only if it says
    # so (a lookup with a body, a revoke). The service client retries these freely and sends every other
    # internal POST with an idempotency key that the callee de-duplicates (shared.idempotent_calls).
    idempotent: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        if self.idempotent is None:
            object.__setattr__(self, "idempotent", self.method in ("GET", "HEAD", "PUT", "DELETE"))
        if self.auth is None:
            derived = Auth.SERVICE if self.path.startswith("/internal/") else Auth.USER
            object.__setattr__(self, "auth", derived)

    @property
    def key(self) -> str:
        """API Gateway's route key, e.g. `GET /api/v1/users/{userId}`."""
        return f"{self.method} {self.path}"

    @property
    def methods(self) -> tuple[str, ...]:
        """The HTTP methods this route serves (`ANY` is each of `ANY_METHODS`)."""
        return ANY_METHODS if self.method == "ANY" else (self.method,)

    @property
    def rule(self) -> str:
        """The same path in Powertools' syntax (`<userId>`; a greedy `{proxy+}` is `<proxy+>`)."""
        return re.sub(r"\{(\w+\+?)\}", r"<\1>", self.path)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(_PARAM.findall(self.path))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        wanted = method.upper()
        if wanted != self.method and wanted not in self.methods:
            return None
        found = self._regex.fullmatch(path)
        return found.groupdict() if found else None

    @cached_property  # matched on every request against every route: built once per route
    def _regex(self) -> re.Pattern[str]:
        """`{name}` is one segment; a greedy `{proxy+}` (API Gateway's) is one or more, slashes included."""
        return re.compile("".join(_segment(part) for part in re.split(r"(\{\w+\+?\})", self.path)))


def _segment(part: str) -> str:
    found = _PARAM.fullmatch(part)
    if found is None:
        return re.escape(part)
    return f"(?P<{found.group(1)}>.+)" if part.endswith("+}") else f"(?P<{found.group(1)}>[^/]+)"


@dataclass(frozen=True)
class Subscription:
    """The service's queue subscription. Patterns are seed 000's: `user.*` is a prefix match."""

    events: tuple[str, ...]
    batch_size: int = 10
    max_receive_count: int = 3  # then the message moves to the DLQ
    visibility_timeout: int = 30

    def matches(self, event_type: str) -> bool:
        return any(event_type_matches(p, event_type) for p in self.events)

    def event_pattern(self) -> dict[str, Any]:
        """The EventBridge rule pattern for this subscription."""
        detail_types: list[Any] = [
            {"prefix": p[:-1]} if p.endswith(".*") else p for p in self.events if p != "*"
        ]
        pattern: dict[str, Any] = {"source": [{"prefix": "stratus."}]}
        if "*" not in self.events:
            pattern["detail-type"] = detail_types
        return pattern


def event_type_matches(pattern: str, event_type: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


@dataclass(frozen=True)
class Schedule:
    """An EventBridge schedule expression: `rate(5 minutes)` or `cron(0 3 * * ? *)`."""

    expression: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)", self.expression):
            raise ValueError(f"not a schedule expression: {self.expression!r}")


@dataclass(frozen=True)
class Authorizer:
    """The gateway's Lambda authorizer (HTTP API, simple responses): runs before every `user` route and
    hands the function the verified user, or the reason it was refused (so the function answers with the
    exact seed 000 error, which an authorizer denial on API Gateway cannot carry)."""

    result_ttl_seconds: int = 0  # no caching: a logout or role change counts on the very next request


@dataclass(frozen=True)
class WebSocket:
    """A route of the deployment's API Gateway WebSocket API: `$connect`, `$disconnect` or `$default`
    (every message; the function reads its type). Locally, `stratus dev` serves them at `GET /ws`."""

    route: str

    def __post_init__(self) -> None:
        if self.route not in ("$connect", "$disconnect", "$default"):
            raise ValueError(f"not a WebSocket route: {self.route!r}")


@dataclass(frozen=True)
class StateTask:
    """A Task state of one of its service's state machines: Step Functions invokes the function with the
    state's input and takes its return value as the output (a raised error is the state's error)."""

    state_machine: str


Trigger = Route | Subscription | Schedule | Authorizer | WebSocket | StateTask


@dataclass(frozen=True)
class Table:
    """A service-owned table. Every table has the same shape so that one provisioner and one Terraform
    module serve them all: `pk`/`sk` strings, `gsi1`..`gsiN` on `gsiNpk`/`gsiNsk`, TTL on `expiresAt`."""

    name: str
    indexes: int = 1
    ttl_attribute: str | None = "expiresAt"


@dataclass(frozen=True)
class Function:
    name: str  # short name inside its service: `health`; deployed as `<service>-<name>`
    trigger: Trigger
    tables: tuple[str, ...] = ()  # logical names of its own service's tables it reads or writes
    calls: tuple[str, ...] = ()  # services it calls through the service client
    publishes: bool = False  # may PutEvents on the bus
    bucket: bool = False  # reads or writes the file bucket
    inspects_platform: bool = False  # describes every table, the bus and the bucket (health checks)
    reads_request_metrics: bool = False  # queries the kernel's request-metrics table (Prometheus)
    sends_messages: bool = False  # sends email (SES) and SMS (SNS)
    signs_tokens: bool = False  # holds the private signing key; every other function only verifies
    # reads the config center's documents: flags (shared.flags), tenant settings (shared.tenant_config)
    reads_flags: bool = False
    kms: bool = False  # seals or unseals secrets with the deployment's KMS data key (shared.sealed)
    pushes: bool = False  # posts to / closes WebSocket connections (execute-api:ManageConnections)
    # lists the deployment's subscriber queues, reads their depths and moves dead letters back (redrive)
    manages_queues: bool = False
    starts: tuple[str, ...] = ()  # state machines of its service it starts (states:StartExecution)
    timeout: int = 10
    memory: int = 256
    service: str = field(default="", compare=False)
    # Its service's layer, bound with `service`: a route refuses callers that are not above it.
    layer: Layer | None = field(default=None, compare=False)
    description: str = ""
    package: str = "functions"  # where `<service>/<name>.py` lives (tests declare their own)

    @property
    def qualified_name(self) -> str:
        return f"{self.service}-{self.name}"

    @property
    def module(self) -> str:
        return f"{self.package}.{self.service}.{self.name.replace('-', '_')}"

    @property
    def handler(self) -> str:
        return f"{self.module}.handler"

    @property
    def route(self) -> Route:
        if not isinstance(self.trigger, Route):
            raise TypeError(f"{self.qualified_name} is not an HTTP function")
        return self.trigger


@dataclass(frozen=True)
class StateMachine:
    """A Step Functions Standard workflow of a service, deployed by both deployments and run by the local
    emulator. `definition(arn_for)` builds the Amazon States Language document; `arn_for(task)` is how the
    deployment names the function of a `StateTask` (a literal ARN locally, a reference when deployed)."""

    name: str
    definition: Callable[[Callable[[str], str]], dict[str, Any]] = field(compare=False)
    tasks: tuple[str, ...] = ()  # the short names of its task functions


@dataclass(frozen=True)
class Service:
    name: str
    layer: Layer
    tables: tuple[Table, ...] = ()
    functions: tuple[Function, ...] = ()
    # Where the service's package lives: `functions` (the platform) or `apps` (an in-repo app, docs/apps.md).
    package: str = "functions"
    state_machines: tuple[StateMachine, ...] = ()  # Step Functions workflows (docs/marketplace.md)
    # An app's types in the GraphQL read API (shared.app_graphql.GraphQLContribution; docs/graphql.md).
    graphql: GraphQLContribution | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        bound = tuple(
            replace(
                fn,
                service=self.name,
                layer=self.layer,
                package=self.package if fn.package == "functions" else fn.package,
            )
            for fn in self.functions
        )
        object.__setattr__(self, "functions", bound)

    def function(self, name: str) -> Function:
        for fn in self.functions:
            if fn.name == name:
                return fn
        raise KeyError(f"{self.name} declares no function {name!r}")


# Tables the kernel itself uses (not owned by any one service).
IDEMPOTENCY_TABLE = Table("idempotency", indexes=0, ttl_attribute="expiration")
# Request counts and durations of every HTTP function (shared.request_metrics), read by monitoring.
REQUEST_METRICS_TABLE = Table("requestmetrics", indexes=0)
# Events staged with the write that causes them, until published (shared.outbox).
OUTBOX_TABLE = Table("outbox", indexes=0, ttl_attribute=None)
KERNEL_TABLES = (IDEMPOTENCY_TABLE, REQUEST_METRICS_TABLE, OUTBOX_TABLE)
