"""No garbage collection while a Lambda container imports its handler (the init phase).

Importing a handler creates a few hundred thousand objects (pydantic's validators, botocore's models, the
Powertools resolver) and almost none of them become garbage; CPython's collector still runs every 700
allocations and, as the heap grows, traverses all of it again: on Python 3.12 a tenth or more of a cold
start (docs/benchmarks.md). So on Lambda the collector is off from the first import of `functions` or
`apps` until the handler module named by `_HANDLER` has run, then what init built is moved out of its
sight (`gc.freeze`: never traversed again, never freed, as it lives as long as the container) and the
collector is on again for the requests.

The end of init is the end of that module's import, whatever the module does (an exception included), so
no handler can leave the collector off. Elsewhere — tests, the local runner, a Lambda without `_HANDLER` —
nothing changes.

The same holds for what the first request builds to keep for the container's life, its AWS clients
(`long_lived`, used by `shared.aws`): botocore's models and the client classes, collected for nothing.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from importlib.machinery import PathFinder
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importlib.abc itself is not free: the finder and loader below are duck-typed
    from collections.abc import Iterator, Sequence
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from types import ModuleType


def on_lambda() -> bool:
    return os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_")


def handler_module() -> str | None:
    """The module Lambda imports first (`_HANDLER=functions.users.me.handler`), on Lambda only."""
    if not on_lambda():
        return None
    module, _, _function = os.environ.get("_HANDLER", "").rpartition(".")
    return module or None


@contextmanager
def long_lived() -> Iterator[None]:
    """On Lambda: no collection while the block builds what the container keeps for good, frozen after it.
    (Already off — init — it stays off; elsewhere nothing changes.)"""
    if not on_lambda() or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def init_done() -> None:
    """Init is over: what it built is frozen, the collector runs again. Idempotent."""
    if _Watch.active is not None:
        sys.meta_path.remove(_Watch.active)
        _Watch.active = None
        gc.freeze()
        gc.enable()


class _Watch:
    """Finds the handler module like the path finder does, with a loader that ends init after it runs."""

    active: _Watch | None = None

    def __init__(self, module: str) -> None:
        self.module = module

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.module:
            return None
        spec = PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _EndsInit(spec.loader)  # type: ignore[assignment]  # a Loader, duck-typed
        return spec


class _EndsInit:
    """The handler module's own loader, which ends init once the module has run (or failed)."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_code…: the module's loader answers
        return getattr(self.loader, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        try:
            self.loader.exec_module(module)
        finally:
            init_done()


def _begin() -> None:
    module = handler_module()
    if module is None or module in sys.modules or not gc.isenabled() or _Watch.active is not None:
        return
    _Watch.active = _Watch(module)
    sys.meta_path.insert(0, _Watch.active)
    gc.disable()


_begin()
