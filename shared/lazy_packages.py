"""Powertools packages whose `__init__` imports far more than a function uses, made lazy.

`aws_lambda_powertools.event_handler` imports every resolver (AppSync's brings asyncio, Bedrock's, VPC
Lattice's...) and `aws_lambda_powertools.utilities.data_classes` every event class of every AWS service,
while a function uses the HTTP API resolver and one or two event classes; `utilities.feature_flags` its
AppConfig store (Powertools parameters, boto3), while config evaluates flags from its own documents;
`utilities.idempotency` its DynamoDB persistence layer (boto3), which a subscriber builds at its first
event: a tenth of a cold start spent on code that never runs, or not yet (issue 15). Here each such package
is put in `sys.modules` without running its `__init__`; a name taken from it (`from
aws_lambda_powertools.event_handler import Response`) loads only the submodule the `__init__` would have
taken it from, as PEP 562 allows. Anything else asked of the package (`__all__`, a name the `__init__`
defines itself) runs the real `__init__` once, so nothing is
ever missing: only the order and the moment of loading change.

Installed (a finder, importing nothing) by the first import of `functions` or `apps`, before any handler
module imports Powertools.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
from importlib.machinery import PathFinder
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
    "aws_lambda_powertools.utilities.feature_flags",  # its AppConfig store: Powertools parameters and boto3
    "aws_lambda_powertools.utilities.idempotency",  # its DynamoDB layer: boto3, until the first event
)
_FROM_IMPORT = re.compile(r"^from\s+(\S+)\s+import\s+(\([^)]*\)|[^\n]*)", re.MULTILINE)
_lock = threading.RLock()


def exports(package: str, source: str) -> dict[str, tuple[str, str]]:
    """What a package's `__init__` re-exports: name -> (submodule, name there), from its `from … import`."""
    found: dict[str, tuple[str, str]] = {}
    for origin, names in _FROM_IMPORT.findall(source):
        if origin.startswith("."):
            origin = package + origin if origin != "." else package
        if not origin.startswith(package + "."):
            continue  # not one of its own submodules: left to the real `__init__`
        for item in re.sub(r"#[^\n]*", "", names).strip("()").split(","):
            name, _, alias = item.strip().partition(" as ")
            if name:
                found[(alias or name).strip()] = (origin, name.strip())
    return found


class _DeferredInit:
    """A meta-path finder for `PACKAGES` only: the package's module is made as usual, but its `__init__`
    waits until something asks for a name `_Lazy` cannot serve. Nothing is imported when it is installed,
    so a module that never touches Powertools (a typed client) still does not load it."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname not in PACKAGES:
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return None  # not installed, or not a package: the ordinary import will say so
        get_source = getattr(spec.loader, "get_source", None)
        source = get_source(fullname) if get_source else None
        if not source:
            return None
        spec.loader = _DeferringLoader(spec.loader, exports(fullname, source))  # type: ignore[assignment]
        return spec


class _DeferringLoader:
    def __init__(self, real: Any, names: dict[str, tuple[str, str]]) -> None:
        self.real = real
        self.names = names

    def create_module(self, spec: Any) -> None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        module.__getattr__ = _Lazy(module, self.names, self.real)  # type: ignore[method-assign]


class _Lazy:
    """The package's module `__getattr__`: a re-exported name from its submodule, a submodule itself, or
    (anything else) the real `__init__`, run once."""

    def __init__(self, module: ModuleType, names: dict[str, tuple[str, str]], real: Any) -> None:
        self.module = module
        self.names = names
        self.real = real  # the package's own loader, which runs its `__init__`
        self.initialised = False

    def __call__(self, name: str) -> Any:
        package = self.module.__name__
        if name in self.names:
            origin, original = self.names[name]
            value = getattr(importlib.import_module(origin), original)
            setattr(self.module, name, value)
            return value
        if not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}") is not None:
            return importlib.import_module(f"{package}.{name}")
        with _lock:
            if not self.initialised:
                self.initialised = True
                self.real.exec_module(self.module)
        if name in self.module.__dict__:
            return self.module.__dict__[name]
        raise AttributeError(f"module {package!r} has no attribute {name!r}")


if not any(isinstance(finder, _DeferredInit) for finder in sys.meta_path):
    sys.meta_path.insert(0, _DeferredInit())
