"""The catalog is complete, correctly layered, deployable from its declarations, and documented; its in-repo
apps (apps/<name>/) keep the app rules of docs/apps.md."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

from apps.catalog import APPS
from functions.catalog import SERVICES, registry
from functions.registry import in_repo
from shared import app_graphql
from shared.app_http import AppHttpApp
from shared.app_reads import AppReadApp
from shared.declarations import Auth, Layer, Route, Service, Subscription
from stratus.openapi import DOCUMENT, render

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = sorted(p.parent.name for p in (ROOT / "functions").glob("*/manifest.py"))
APP_PACKAGES = sorted(p.parent.name for p in (ROOT / "apps").glob("*/manifest.py"))


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts: list[dict[str, object]] = config["contracts"]
    return contracts


def test_every_service_package_is_in_the_catalog() -> None:
    assert sorted(s.name for s in SERVICES if s.package == "functions") == PACKAGES


def test_every_app_package_is_listed_in_apps_catalog_and_added_to_the_platform_catalog() -> None:
    assert sorted(s.name for s in APPS) == APP_PACKAGES
    assert [s for s in SERVICES if s.package == "apps"] == list(APPS)


@pytest.mark.parametrize("app", APPS, ids=lambda s: s.name)
def test_an_app_is_a_service_of_the_application_layer_in_the_apps_package(app: Service) -> None:
    assert app.layer is Layer.APPLICATION
    assert app.package == "apps"
    assert app.name not in PACKAGES, "an app may not take a platform service's name"
    assert all(fn.module.startswith(f"apps.{app.name}.") for fn in app.functions)


@pytest.mark.parametrize("app", APPS, ids=lambda s: s.name)
def test_an_apps_routes_all_live_under_its_own_prefix_behind_its_gate(app: Service) -> None:
    for fn in app.functions:
        if not isinstance(fn.trigger, Route):
            continue
        if fn.name == app_graphql.READ_FUNCTION:  # the one internal route: GraphQL's reads, gated the same
            assert fn.trigger.path == app_graphql.read_path(app.name), fn.qualified_name
            assert isinstance(importlib.import_module(fn.module).app, AppReadApp), fn.qualified_name
            assert app.graphql is not None, fn.qualified_name
            assert {"registry", "tenants"} <= set(fn.calls), fn.qualified_name
            continue
        assert fn.trigger.path.startswith(f"/api/v1/apps/{app.name}/"), fn.qualified_name
        assert fn.trigger.auth in (Auth.USER, Auth.PUBLIC), f"{fn.qualified_name}: no internal routes in apps"
        assert {"registry", "tenants"} <= set(fn.calls), f"{fn.qualified_name}: the gate asks both"
        module = importlib.import_module(fn.module)
        assert isinstance(module.app, AppHttpApp), f"{fn.qualified_name}: use shared.app_http.AppHttpApp"


@pytest.mark.parametrize("app", [a for a in APPS if a.tables], ids=lambda s: s.name)
def test_an_app_that_keeps_data_forgets_a_deleted_tenant(app: Service) -> None:
    """Offboarding reaches apps: the platform's services purge on `tenant.deleting` rounds, an app on the
    final `tenant.deleted` (docs/apps.md)."""
    assert any(
        isinstance(fn.trigger, Subscription) and fn.trigger.matches("tenant.deleted") for fn in app.functions
    )


def test_app_tables_are_their_own_and_never_a_platform_tables_name() -> None:
    names = [t.name for s in SERVICES for t in s.tables]
    assert len(names) == len(set(names))


def test_the_deployed_registry_knows_exactly_the_catalogs_apps() -> None:
    assert sorted(in_repo.apps()) == APP_PACKAGES
    assert in_repo.FILE.read_text() == in_repo.document(SERVICES), "run `stratus generate`"


def test_import_linter_keeps_apps_apart_from_the_platform_and_from_each_other() -> None:
    by_name = {str(c["name"]): c for c in _contracts()}
    platform = by_name["The platform never imports an app (only the catalog lists them)"]
    assert platform["source_modules"] == ["shared", "functions"]
    assert platform["forbidden_modules"] == ["apps"]
    kernel_only = by_name["Apps use only the kernel and the platform's typed clients (docs/apps.md)"]
    assert kernel_only["forbidden_modules"] == ["functions", "stratus"]
    assert kernel_only["ignore_imports"] == ["apps.** -> functions.*.client"]
    apart = by_name["Apps are independent of each other"]
    assert apart["type"] == "independence"
    assert apart["modules"] == ["apps.*"]


def test_the_declarations_keep_the_rules() -> None:
    assert registry().problems() == []


def test_import_linter_keeps_every_service_package_independent() -> None:
    [independence] = [c for c in _contracts() if c["type"] == "independence" and c["modules"] != ["apps.*"]]
    assert sorted(independence["modules"]) == [f"functions.{p}" for p in PACKAGES]  # type: ignore[call-overload]


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
