"""Cold start: what every function costs before its first request is answered, beside a baseline.

A Lambda cold start is the runtime's own start-up (the same for every Python function, so left out here)
plus the *init phase* — importing the handler module, which runs its module level (`app = HttpApp(...)`,
`subscriber = Subscriber(...)`, `job = Job(...)`) — plus what the first invocation makes before its
first call: its AWS client (`shared.aws.client`). Both are measured, each time in a fresh interpreter,
from the first line of a tiny script to the client's creation, in Lambda's environment (`_HANDLER` names
the handler: `shared.lambda_init` ends init with that module's import).

What is imported is what ships (`stratus.bench.shipped`): the code zip and the deps layer as
`stratus package` builds them, unpacked, on the runtime's Python, with `PYTHONDONTWRITEBYTECODE` (Lambda's
file system is read-only: only shipped bytecode is used). Where that cannot be prepared (no Python of the
runtime's version, no registry), the repository is imported on this interpreter instead, and the report
says so.

Each function sample is paired with a baseline sample taken just before it — `import boto3` and one
DynamoDB client, the least any Python function on AWS does — and the ratio is the median of the pairs'
ratios, so that machine noise hits both sides of each ratio alike. The FastAPI + Mangum peer
(`stratus.bench.peer_fastapi`) is measured on the repository's interpreter only.

Every function is also checked for web frameworks (flask, werkzeug, functions_framework, fastapi,
starlette) left in `sys.modules`: none may be on the Lambda path.

Runs are sequential on purpose: parallel interpreters would compete for the cores and distort exactly what
is being timed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.registry import Registry
from stratus.bench.shipped import Shipped

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
PEER_MODULE = "stratus.bench.peer_fastapi"
FRAMEWORKS = ("flask", "werkzeug", "functions_framework", "fastapi", "starlette")
TARGET_RATIO = 1.3
_TIMEOUT_SECONDS = 120
_PROGRESS_EVERY = 10
_MARKER = "STRATUS-COLDSTART "  # a module may log to stdout while it is imported; the result line is marked

# The measured script. `sys` and `importlib` are loaded by every interpreter before its first line, so
# importing them ahead of the clock costs nothing; `json` is not, so it comes after the clock stops.
_PROBE = f"""\
import time
_start = time.perf_counter()
import importlib, sys
kind, target = sys.argv[1], sys.argv[2]
if kind == "baseline":
    import boto3
    boto3.client("dynamodb", region_name={REGION!r})
else:
    module = importlib.import_module(target)
    if not callable(getattr(module, "handler", None)):
        raise SystemExit(target + " has no callable `handler`")
    if kind == "function":  # the first invocation's client, made before its first AWS call
        from shared import aws
        aws.client("dynamodb")
ms = (time.perf_counter() - _start) * 1000
import json
found = [name for name in {FRAMEWORKS!r} if name in sys.modules]
print({_MARKER!r} + json.dumps({{"ms": ms, "frameworks": found}}), flush=True)
"""

# Imports everything once, untimed, so that every .pyc exists (they do on Lambda too: the package is
# built once). A module that fails here fails again, with its message, in its timed run.
_WARM_UP = f"""\
import importlib, sys
import boto3
boto3.client("dynamodb", region_name={REGION!r})
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


@dataclass(frozen=True)
class FunctionColdStart:
    name: str  # qualified name, e.g. "users-me"
    median_ms: float  # import + init of its handler module, median over runs
    ratio: float  # median_ms / baseline median
    frameworks: tuple[str, ...]  # web frameworks found in sys.modules after the import (should be empty)


@dataclass(frozen=True)
class ColdStartReport:
    runs: int
    baseline_ms: float  # median: `import boto3; boto3.client("dynamodb", ...)` in a fresh interpreter
    peer_ms: float | None  # median: import + init of the FastAPI + Mangum `GET /users/me` module
    functions: tuple[FunctionColdStart, ...]
    what: str = "the repository on this interpreter"  # what was imported (the shipped artifacts, or not)

    @property
    def peer_ratio(self) -> float | None:
        return None if self.peer_ms is None else self.peer_ms / self.baseline_ms

    @property
    def worst(self) -> FunctionColdStart:
        if not self.functions:
            raise ValueError("no functions were measured")
        return max(self.functions, key=lambda f: f.ratio)


@dataclass(frozen=True)
class _Target:
    label: str  # qualified function name, or "baseline" / "peer"
    kind: str  # "baseline", "function" (import + first client) or "module" (import only: the peer)
    module: str


@dataclass(frozen=True)
class _Sample:
    ms: float
    frameworks: tuple[str, ...]


def measure(
    registry: Registry,
    *,
    runs: int,
    names: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    shipped: Shipped | None = None,
) -> ColdStartReport:
    """Median cold start of each function (all of `registry`'s, or `names`) over `runs` rounds of fresh
    interpreters, each paired with a baseline sample; `shipped`: import the packaged artifacts."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    chosen = sorted(registry.functions) if names is None else list(names)
    functions = [registry.function(name) for name in chosen]  # an unknown name fails here, listing all
    where = _Where.of(shipped)
    baseline = _Target("baseline", "baseline", "")
    targets = [_Target(fn.qualified_name, "function", fn.module) for fn in functions]
    peer = _Target("peer", "module", PEER_MODULE) if shipped is None else None

    if shipped is None:
        progress("cold start: warming bytecode caches (the repository, not the artifacts)")
        _warm_up([t.module for t in [*targets, *([peer] if peer else [])]])

    samples: dict[str, list[_Sample]] = {t.label: [] for t in targets}
    ratios: dict[str, list[float]] = {t.label: [] for t in targets}
    baselines: list[_Sample] = []
    peers: list[_Sample] = []
    total, done = runs * len(targets), 0
    # Round-robin, each function right after its own baseline sample: a noisy moment costs both sides.
    for _round in range(runs):
        if peer is not None:
            peers.append(_run(peer, where))
        for target in targets:
            base = _run(baseline, where)
            sample = _run(target, where)
            baselines.append(base)
            samples[target.label].append(sample)
            ratios[target.label].append(sample.ms / base.ms)
            done += 1
            if done % _PROGRESS_EVERY == 0 or done == total:
                progress(f"cold start {done}/{total}")

    return ColdStartReport(
        runs=runs,
        baseline_ms=_median(baselines) if baselines else float("nan"),
        peer_ms=_median(peers) if peers else None,
        functions=tuple(
            FunctionColdStart(
                name=t.label,
                median_ms=_median(samples[t.label]),
                ratio=statistics.median(ratios[t.label]),
                frameworks=_frameworks(samples[t.label]),
            )
            for t in targets
        ),
        what=where.what,
    )


@dataclass(frozen=True)
class _Where:
    """The interpreter, working directory and environment of every sample."""

    python: str
    cwd: Path
    extra_env: dict[str, str]
    what: str

    @classmethod
    def of(cls, shipped: Shipped | None) -> _Where:
        if shipped is None:
            version = ".".join(map(str, sys.version_info[:2]))
            return cls(
                sys.executable, REPO_ROOT, {}, f"the repository on Python {version} (not the artifacts)"
            )
        return cls(
            shipped.python,
            shipped.path[0],
            {
                "PYTHONPATH": os.pathsep.join(str(p) for p in shipped.path),
                "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's file system is read-only
                "PYTHONNOUSERSITE": "1",
            },
            f"the packaged code zip and deps layer on Python {shipped.version} (the runtime's)",
        )


def _median(samples: list[_Sample]) -> float:
    return statistics.median(s.ms for s in samples)


def _frameworks(samples: list[_Sample]) -> tuple[str, ...]:
    """Every framework any run saw (they are the same each run; a union cannot hide one)."""
    return tuple(name for name in FRAMEWORKS if any(name in s.frameworks for s in samples))


def _environment(function_name: str) -> dict[str, str]:
    """A Lambda-like environment: dummy credentials, the region, the function's name (Powertools reads it
    to tell it runs on Lambda) and nothing of the caller's shell (no endpoint, profile or stage leaks in).
    `PYTHONDONTWRITEBYTECODE` is deliberately absent: Lambda imports from warm bytecode too."""
    env = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if name in os.environ
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "AWS_LAMBDA_FUNCTION_NAME": function_name,
            "STRATUS_STAGE": "bench",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Stratus",
        }
    )
    return env


def _python(args: list[str], env: dict[str, str], what: str, where: _Where | None = None) -> str:
    where = where or _Where.of(None)
    done = subprocess.run(
        [where.python, *args],
        cwd=where.cwd,
        env=env | where.extra_env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"cold start of {what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def _warm_up(modules: list[str]) -> None:
    _python(["-c", _WARM_UP, *modules], _environment("bench-warm-up"), "the warm-up")


def _run(target: _Target, where: _Where) -> _Sample:
    env = _environment(target.label)
    if target.kind == "function":  # Lambda names the handler; its init ends with that module (lambda_init)
        env["_HANDLER"] = f"{target.module}.handler"
    stdout = _python(["-c", _PROBE, target.kind, target.module], env, target.label, where)
    for line in reversed(stdout.splitlines()):
        if line.startswith(_MARKER):
            found = json.loads(line.removeprefix(_MARKER))
            return _Sample(float(found["ms"]), tuple(str(name) for name in found["frameworks"]))
    raise RuntimeError(f"cold start of {target.label} printed no result:\n{stdout[-2000:]}")
