"""`stratus new app NAME` (stratus/new_app.py): the template app under a new name, its tests with it, listed
in the apps catalog — and what it creates keeps the app rules and passes its own tests."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import apps
from functions.catalog import SERVICES
from shared.app_http import AppHttpApp
from shared.declarations import Auth, Layer, Route
from shared.registry import Registry
from stratus import new_app
from stratus.new_app import NewAppError

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A tree with what the command reads: the template app, its tests and the apps catalog."""
    for part in ("apps/hello", "tests/unit/apps/hello"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "apps" / "catalog.py").write_text(
        '"""Every in-repo app."""\n\nfrom __future__ import annotations\n\n'
        "from apps.hello.manifest import SERVICE as hello\n"
        "from shared.declarations import Service\n\n"
        "APPS: tuple[Service, ...] = (\n    hello,\n)\n"
    )
    return tmp_path


def test_render_replaces_the_template_name_as_a_whole_word_only() -> None:
    text = 'hello Hello HELLO apps.hello "/api/v1/apps/hello/x" othello hellos hello-tidy test_hello.py'
    assert new_app.render(text, "billing") == (
        'billing Billing BILLING apps.billing "/api/v1/apps/billing/x" othello hellos billing-tidy '
        "test_billing.py"
    )


def test_a_new_app_is_the_template_under_its_name_with_its_tests_and_listed(root: Path) -> None:
    # WHEN a developer creates the app `billing`
    created = new_app.create("billing", root)
    # THEN the app and its tests exist, with no trace of the template's name
    assert "apps/billing/manifest.py" in created.files
    assert "tests/unit/apps/billing/test_billing.py" in created.files
    for path in created.files:
        text = (root / path).read_text()
        assert "hello" not in text.lower().replace("othello", ""), path
    assert 'name="billing"' in (root / "apps/billing/manifest.py").read_text()
    # AND the catalog lists it, and still reads as Python
    catalog = (root / "apps/catalog.py").read_text()
    assert created.listed
    assert "from apps.billing.manifest import SERVICE as billing\n" in catalog
    assert "APPS: tuple[Service, ...] = (\n    hello,\n    billing,\n)" in catalog
    compile(catalog, "catalog.py", "exec")


def test_when_the_catalog_is_not_in_its_shape_the_lines_are_printed_instead(root: Path) -> None:
    (root / "apps/catalog.py").write_text("APPS = ()\n")
    created = new_app.create("billing", root)
    assert not created.listed
    assert created.lines == ("from apps.billing.manifest import SERVICE as billing", "    billing,")
    assert (root / "apps/catalog.py").read_text() == "APPS = ()\n"


@pytest.mark.parametrize("name", ["users", "registry", "marketplace", "hello", "Bad", "my-app", "x", "a_b"])
def test_a_reserved_taken_or_malformed_name_is_refused_and_nothing_is_written(root: Path, name: str) -> None:
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    with pytest.raises(NewAppError):
        new_app.create(name, root)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_the_created_app_keeps_the_app_rules(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a new app, importable as apps.billing (its package dir added to `apps`)
    new_app.create("billing", root)
    monkeypatch.setattr(apps, "__path__", [*apps.__path__, str(root / "apps")])
    manifest = importlib.import_module("apps.billing.manifest")
    service = manifest.SERVICE
    try:
        # THEN it is a service of the application layer whose routes live under its prefix, behind its gate
        assert (service.name, service.layer, service.package) == ("billing", Layer.APPLICATION, "apps")
        assert Registry((*SERVICES, service)).problems() == []
        for fn in service.functions:
            module = importlib.import_module(fn.module)
            assert callable(module.handler)
            if isinstance(fn.trigger, Route):
                assert fn.trigger.path.startswith("/api/v1/apps/billing/")
                assert fn.trigger.auth in (Auth.USER, Auth.PUBLIC)
                assert isinstance(module.app, AppHttpApp)
    finally:
        for loaded in [m for m in sys.modules if m.startswith("apps.billing")]:
            del sys.modules[loaded]


def test_the_created_apps_own_tests_pass(root: Path) -> None:
    # GIVEN a new app and its tests WHEN its tests run (in a fresh interpreter that sees the new packages)
    new_app.create("billing", root)
    plugin = root / "see_new_app.py"
    plugin.write_text(
        "import apps, tests.unit.apps\n"
        f"apps.__path__.append({str(root / 'apps')!r})\n"
        f"tests.unit.apps.__path__.append({str(root / 'tests/unit/apps')!r})\n"
    )
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "see_new_app",
            f"--rootdir={ROOT}", "-c", str(ROOT / "pyproject.toml"), "--import-mode=importlib",
            str(root / "tests/unit/apps/billing"),
        ],
        cwd=ROOT,
        env={**_env(), "PYTHONPATH": f"{ROOT}:{root}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    # THEN they pass
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
