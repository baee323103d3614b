"""Warm latency and calls per operation (issue 7, parts 2 and 3).

Each public operation runs through the in-process gateway, warm (one untimed run first), `rounds`
times. For each run: the end-to-end time, and — from the frames of every function it invoked — the AWS
calls it made (counted by botocore's hooks) and the time they took. Every function invoked along the way
(internal endpoints included) gets its own figures: total, AWS time, and its *own* time (total minus AWS
minus the functions it called), which is what seed 000's per-layer budgets bound.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from shared import passwords
from shared.declarations import Layer
from shared.registry import Registry
from stratus.bench import instruments
from stratus.bench.instruments import Frame
from stratus.bench.operations import Op

BUDGET_MS = {
    Layer.INFRASTRUCTURE: 5,
    Layer.CORE: 20,
    Layer.BUSINESS: 50,
    Layer.APPLICATION: 100,
    Layer.EDGE: 100,
}


@dataclass
class OpFigures:
    name: str
    layer: Layer
    totals: list[float] = field(default_factory=list)
    aws: list[float] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)  # per run (the last run's)
    errors: int = 0
    hops: int = 0  # invocations of internal routes per run (on AWS, a Lambda invocation each)
    hop_ms: list[float] = field(default_factory=list)  # time spent in them (the outermost ones), per run


@dataclass
class FunctionFigures:
    name: str
    layer: Layer
    totals: list[float] = field(default_factory=list)
    aws: list[float] = field(default_factory=list)
    own: list[float] = field(default_factory=list)
    hashing: list[float] = field(default_factory=list)


@dataclass
class LatencyReport:
    rounds: int
    ops: list[OpFigures]
    functions: list[FunctionFigures]
    not_exercised: list[str]
    hashing_ms: float
    verify_ms: float


def p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def measure(
    registry: Registry, ops: list[Op], *, rounds: int, progress: Callable[[str], None]
) -> LatencyReport:
    op_figures = [
        OpFigures(op.name, registry.by_service[registry.function(op.owner).service].layer) for op in ops
    ]
    functions: dict[str, FunctionFigures] = {}
    for op in ops:  # warm every path once (imports, clients, caches), untimed
        op.run(op.prepare())
    for round_no in range(rounds):
        for op, figures in zip(ops, op_figures, strict=True):
            prepared = op.prepare()
            with instruments.recording() as seen, instruments.frame(op.name) as root:
                reply = op.run(prepared)
            figures.errors += _failed(reply)
            mine = [f for f in seen.frames if _under(f, root)]
            figures.totals.append(root.total_ms)
            figures.aws.append(instruments.overlap_ms([s for f in [*mine, root] for s in f.aws_spans]))
            figures.calls = sum((f.calls for f in mine), Counter()) + root.calls
            hops = [f for f in mine if _is_internal(registry, f.function)]
            figures.hops = len(hops)
            outermost = [f for f in hops if not any(f.parent is h for h in hops)]
            figures.hop_ms.append(sum(f.total_ms for f in outermost))
            for f in mine:
                fn = registry.functions[f.function]
                found = functions.setdefault(
                    f.function, FunctionFigures(f.function, registry.by_service[fn.service].layer)
                )
                found.totals.append(f.total_ms)
                found.aws.append(f.aws_ms)
                found.own.append(f.own_ms)
                found.hashing.append(f.hashing_ms)
        progress(f"warm latency: round {round_no + 1}/{rounds}")
    exercised = set(functions)
    not_exercised = sorted(
        name for name, fn in registry.functions.items() if _is_route(fn) and name not in exercised
    )
    hashing, verifying = _password_costs(rounds=max(3, min(rounds, 10)))
    return LatencyReport(
        rounds,
        op_figures,
        sorted(functions.values(), key=lambda f: (f.layer, f.name)),
        not_exercised,
        hashing,
        verifying,
    )


def _password_costs(rounds: int) -> tuple[float, float]:
    """argon2id at its OWASP parameters: on its own line, as it dominates register, login and change."""
    hashed = passwords.hash_password("bench-password-1")
    hash_times, verify_times = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        passwords.hash_password("bench-password-1")
        hash_times.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        passwords.verify(hashed, "bench-password-1")
        verify_times.append((time.perf_counter() - began) * 1000)
    return median(hash_times), median(verify_times)


def _failed(reply: object) -> bool:
    """A gateway reply with an error status, or a job whose report says it failed."""
    status = getattr(reply, "status", None)
    if status is not None:
        return int(status) >= 400
    return isinstance(reply, dict) and reply.get("status") == "failed"


def _under(frame: Frame, root: Frame) -> bool:
    parent = frame.parent
    while parent is not None:
        if parent is root:
            return True
        parent = parent.parent
    return False


def _is_internal(registry: Registry, name: str) -> bool:
    from shared.declarations import Auth, Route

    trigger = registry.functions[name].trigger
    return isinstance(trigger, Route) and trigger.auth in (Auth.SERVICE, Auth.SYSTEM)


def _is_route(fn: object) -> bool:
    from shared.declarations import Route

    return isinstance(getattr(fn, "trigger", None), Route)


def by_layer(functions: list[FunctionFigures]) -> dict[Layer, list[FunctionFigures]]:
    grouped: dict[Layer, list[FunctionFigures]] = defaultdict(list)
    for f in functions:
        grouped[f.layer].append(f)
    return grouped
