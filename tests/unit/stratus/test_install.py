"""A lean run install (issue 13.9): `make dev` installs the functions' dependencies and the emulator (the
`local` extra), not the dev tools; everything `stratus dev` runs imports without them; the package metadata
uses an SPDX license expression (no setuptools deprecation warning) and ships the /docs page's files."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()

# Top-level modules only the `dev` extra brings (test runners, linters, type stubs, the fuzz tier, peers).
DEV_ONLY = (
    "pytest",
    "_pytest",
    "pytest_socket",
    "xdist",
    "mypy",
    "importlinter",
    "schemathesis",
    "hypothesis",
    "fastapi",
    "mangum",
    "mypy_boto3_dynamodb",
)


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_make_dev_installs_the_run_dependencies_and_the_emulator_only() -> None:
    extras = PROJECT["project"]["optional-dependencies"]
    assert names(extras["local"]) == {"moto", "watchdog"}
    assert "moto" not in names(PROJECT["project"]["dependencies"])  # never in the Lambda layer
    assert "moto" not in names(extras["dev"])
    dev_target = re.search(r"^dev: (.+)$", MAKEFILE, re.MULTILINE)
    assert dev_target is not None
    assert dev_target.group(1).split() == ["$(RUN_STAMP)"]
    run_install = MAKEFILE.split("$(RUN_STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert '-e ".[local]"' in run_install
    assert "--quiet" not in run_install  # visible progress
    test_install = MAKEFILE.split("$(STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert '-e ".[local,dev]"' in test_install


def test_everything_stratus_dev_runs_imports_without_the_dev_tools() -> None:
    # GIVEN an interpreter where the dev extra's packages cannot be imported
    # WHEN it imports the CLI, the local platform and every declared function's module
    script = f"""
import importlib, importlib.abc, sys
class NoDevTools(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {DEV_ONLY!r}:
            raise ImportError(f"{{name}} is a dev tool")
        return None
sys.meta_path.insert(0, NoDevTools())
from stratus import cli, local, docs_page, reload, samples, acting, invoking
cli._parser()
from functions.catalog import registry
for fn in registry().functions.values():
    importlib.import_module(fn.module)
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    # THEN nothing is missing
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")


def test_the_license_is_an_spdx_expression_with_its_file() -> None:
    project = PROJECT["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert PROJECT["build-system"]["requires"] == ["setuptools>=77"]  # SPDX `license` and `license-files`


def test_the_docs_page_files_ship_in_the_package() -> None:
    shipped = PROJECT["tool"]["setuptools"]["package-data"]["stratus"]
    static = ROOT / "stratus" / "static" / "swagger-ui"
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "LICENSE"):
        assert (static / name).is_file()
        assert any(Path(f"static/swagger-ui/{name}").match(pattern) for pattern in shipped), name
