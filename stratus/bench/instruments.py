"""What the benchmarks observe, without touching function code:

- every AWS call, counted and timed from botocore's own event hooks (`before-call` / `after-call`),
  registered on each client as it is created (boto3's and pynamodb's alike);
- every function invocation (the gateway's and the in-process service client's), as a frame with its
  total time, the AWS time spent in it (wall clock: calls in flight at once count once) and the time of
  the functions it called, so that a function's *own* time (what seed 000's per-layer budgets are about)
  is its total minus its AWS time minus the time of its callees — argon2's hashing included.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import botocore.session

from shared.declarations import Function
from shared.registry import Registry


@dataclass
class Frame:
    function: str
    parent: Frame | None
    total_ms: float = 0.0
    callees_ms: float = 0.0
    hashing_ms: float = 0.0  # argon2 hashing and verification: part of own time, also shown on its own
    calls: Counter[str] = field(default_factory=Counter)
    # (start, end) of each AWS call, perf_counter seconds: calls made in parallel overlap
    aws_spans: list[tuple[float, float]] = field(default_factory=list)

    @property
    def aws_ms(self) -> float:
        """Wall-clock time with at least one AWS call in flight (parallel calls are not summed)."""
        return overlap_ms(self.aws_spans)

    @property
    def own_ms(self) -> float:
        """What the function itself spent: total less AWS (wall clock) and its callees; argon2 counts."""
        return max(0.0, self.total_ms - self.aws_ms - self.callees_ms)


def overlap_ms(spans: list[tuple[float, float]]) -> float:
    """The length of the union of the spans, in ms."""
    covered, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end <= reach:
            continue
        covered += end - max(start, reach)
        reach = end
    return covered * 1000


@dataclass
class Recording:
    """AWS calls (by `service:Operation`) and finished frames, from `recording()` on."""

    calls: Counter[str] = field(default_factory=Counter)
    aws_ms: float = 0.0
    frames: list[Frame] = field(default_factory=list)


_frame: ContextVar[Frame | None] = ContextVar("bench_frame", default=None)
_recording: Recording | None = None
_lock = threading.Lock()
_started = threading.local()
_botocore_hooked = False


def install(registry: Registry) -> None:
    """Hook botocore client creation (once per process) and this registry's handlers (once per registry:
    a second Bench in the same process brings a registry of its own, which must be timed too)."""
    global _botocore_hooked
    if not getattr(registry, "_bench_timed", False):
        registry._bench_timed = True  # type: ignore[attr-defined]
        _hook_registry(registry)
    if _botocore_hooked:
        return
    _botocore_hooked = True
    _time_password_hashing()
    original_create = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original_create(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", _before)
        client.meta.events.register("after-call.*.*", _after)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


def _hook_registry(registry: Registry) -> None:
    original_handler = registry.handler

    def timed_handler(fn: Function) -> Callable[..., Any]:
        inner = original_handler(fn)

        def run(event: Any, context: Any) -> Any:
            parent = _frame.get()
            frame = Frame(fn.qualified_name, parent)
            token = _frame.set(frame)
            began = time.perf_counter()
            try:
                return inner(event, context)
            finally:
                frame.total_ms = (time.perf_counter() - began) * 1000
                _frame.reset(token)
                if parent is not None:
                    parent.callees_ms += frame.total_ms
                with _lock:
                    if _recording is not None:
                        _recording.frames.append(frame)

        return run

    registry.handler = timed_handler  # type: ignore[method-assign]


def _time_password_hashing() -> None:
    """argon2id is deliberately slow (OWASP parameters): its time is counted apart from a function's own."""
    import argon2

    for name in ("hash", "verify"):
        original = getattr(argon2.PasswordHasher, name)

        def timed(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                current = _frame.get()
                if current is not None:
                    current.hashing_ms += (time.perf_counter() - began) * 1000

        setattr(argon2.PasswordHasher, name, timed)


def _before(event_name: str, **_kwargs: Any) -> None:
    _started.at = time.perf_counter()


def _after(event_name: str, **_kwargs: Any) -> None:
    end = time.perf_counter()
    start = getattr(_started, "at", end)
    elapsed = (end - start) * 1000
    _, service, operation = event_name.split(".", 2)
    name = f"{service}:{operation}"
    frame = _frame.get()
    if frame is not None:
        frame.aws_spans.append((start, end))
        frame.calls[name] += 1
    with _lock:
        if _recording is not None:
            _recording.calls[name] += 1
            _recording.aws_ms += elapsed


@contextmanager
def recording() -> Iterator[Recording]:
    """Everything observed while inside (on every thread of the process)."""
    global _recording
    found = Recording()
    with _lock:
        _recording = found
    try:
        yield found
    finally:
        with _lock:
            _recording = None


@contextmanager
def frame(name: str) -> Iterator[Frame]:
    """A frame for work that is not a function (the client side of a public operation)."""
    top = Frame(name, None)
    token = _frame.set(top)
    began = time.perf_counter()
    try:
        yield top
    finally:
        top.total_ms = (time.perf_counter() - began) * 1000
        _frame.reset(token)
