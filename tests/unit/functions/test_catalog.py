"""The catalog is complete, correctly layered, deployable from its declarations, and documented."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

from functions.catalog import SERVICES, registry
from shared.declarations import Route
from stratus.openapi import DOCUMENT, render

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = sorted(p.parent.name for p in (ROOT / "functions").glob("*/manifest.py"))


def test_every_service_package_is_in_the_catalog() -> None:
    assert sorted(s.name for s in SERVICES) == PACKAGES


def test_the_declarations_keep_the_rules() -> None:
    assert registry().problems() == []


def test_import_linter_keeps_every_service_package_independent() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    [independence] = [c for c in config if c["type"] == "independence"]
    assert sorted(independence["modules"]) == [f"functions.{p}" for p in PACKAGES]


@pytest.mark.parametrize("qualified_name", sorted(registry().functions))
def test_every_declared_function_has_its_handler_and_serves_exactly_its_route(qualified_name: str) -> None:
    fn = registry().function(qualified_name)
    module = importlib.import_module(fn.module)
    assert callable(module.handler)
    if isinstance(fn.trigger, Route):
        schema = module.app.get_openapi_schema()
        assert {
            (m.upper(), p) for p, ops in schema.paths.items() for m in ops.model_dump(exclude_none=True)
        } == {(method, fn.trigger.path) for method in fn.trigger.methods}


def test_the_committed_openapi_document_is_current() -> None:
    assert DOCUMENT.read_text() == render(registry()), "run `stratus openapi` and commit the result"
