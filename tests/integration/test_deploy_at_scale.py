"""The deployments at the size the next capabilities bring: the real catalog plus 30 fixture services of 10
functions each (tests/fixtures/scale.py). Every osls stack packages (compose, against the emulator), stays
under the resource budget and passes cfn-lint; Terraform validates with every service."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from stratus.deploy import generate, osls, terraform
from stratus.deploy.stacks import RESOURCE_BUDGET, layout
from stratus.emulator import Emulator
from tests.fixtures.scale import scale_registry

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[2]
CFN_LINT = ROOT / ".venv-deploy/bin/cfn-lint"
PLUGIN_DIR = Path(os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins"))

needs_deploy_tools = pytest.mark.skipif(
    not (ROOT / "node_modules/.bin/osls-compose").exists() or not CFN_LINT.exists(),
    reason="osls compose (npm ci) and cfn-lint (.venv-deploy) come with `make deploy-check`",
)
needs_terraform = pytest.mark.skipif(
    shutil.which("terraform") is None or not PLUGIN_DIR.is_dir(),
    reason="terraform and its provider mirror are on the machine image; not here",
)


@pytest.fixture(scope="module")
def at_scale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deployment files for the real catalog plus the fixture services, generated into a scratch
    checkout (with placeholder artifacts: packaging hashes them, nothing runs them)."""
    root = tmp_path_factory.mktemp("at-scale")
    (root / "build").mkdir()
    for artifact in ("code.zip", "deps-layer.zip"):
        with zipfile.ZipFile(root / "build" / artifact, "w") as zf:
            zf.writestr("placeholder.txt", "packaging needs a file; nothing runs it")
    shutil.copytree(
        ROOT / "infra/terraform",
        root / "infra/terraform",
        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "*.tf.json"),
    )
    generate.write(scale_registry(), root=root)
    return root


def test_the_fixture_catalog_is_a_valid_catalog_of_300_more_functions() -> None:
    registry = scale_registry()
    assert registry.problems() == []
    plan = layout(registry)
    fixture = [s for s in plan.services if s.name.startswith("scale")]
    assert len(fixture) == 30
    assert sum(len(s.functions) for s in fixture) == 300


@needs_deploy_tools
def test_every_stack_packages_stays_under_budget_and_lints_clean(
    at_scale: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN osls compose packages every stack (the monolith is one stack by design: it is not for this size)
    started = time.monotonic()
    templates = osls.package(at_scale, emulator.endpoint_url, monolith=False, log=lambda _line: None)
    packaged = time.monotonic() - started

    # THEN there is one stack per service plus the shared one, each under the budget
    counts = osls.sizes(at_scale, monolith=False)
    assert len(templates) == len(layout(scale_registry()).stacks)
    with capsys.disabled():
        print(f"\n  {len(counts)} stacks packaged in {packaged:.0f}s; largest:")
        osls.report(dict(sorted(counts.items(), key=lambda item: -item[1])[:3]))
    assert max(counts.values()) <= RESOURCE_BUDGET, counts

    # AND cfn-lint passes on every template
    osls.lint(at_scale, str(CFN_LINT), monolith=False)


@needs_terraform
def test_terraform_validates_with_every_service(at_scale: Path) -> None:
    env_dir = at_scale / terraform.ENV
    env = {
        **os.environ,
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": str(ROOT / "infra/terraform/.terraformrc"),
    }
    for args in (["init", "-backend=false", "-input=false", f"-plugin-dir={PLUGIN_DIR}"], ["validate"]):
        done = subprocess.run(
            ["terraform", *args], cwd=env_dir, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
