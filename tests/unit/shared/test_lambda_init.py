"""No garbage collection during a Lambda container's init, and the collector always back on after it.

Each case runs in an interpreter of its own: the collector's state and `sys.meta_path` are per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

# A handler package shaped like `functions`: its `__init__` loads lambda_init, its handler module records
# the collector's state while it runs.
PACKAGE_INIT = "from shared import lambda_init  # noqa: F401\n"
HANDLER = textwrap.dedent(
    """
    import gc
    during = gc.isenabled()
    def handler(event, context):
        return None
    """
)
FAILING_HANDLER = "raise RuntimeError('broken at import')\n"
PROBE = textwrap.dedent(
    """
    import gc, importlib, json, sys
    import lambdapkg
    before = gc.isenabled()
    try:
        module = importlib.import_module(sys.argv[1])
        during = module.during
    except RuntimeError:
        during = None
    print(json.dumps({"before": before, "during": during, "after": gc.isenabled(),
                      "frozen": gc.get_freeze_count()}))
    """
)


def run(tmp_path: Path, env: dict[str, str], module: str = "lambdapkg.handler_mod") -> dict[str, object]:
    package = tmp_path / "lambdapkg"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text(PACKAGE_INIT)
    (package / "handler_mod.py").write_text(HANDLER)
    (package / "failing_mod.py").write_text(FAILING_HANDLER)
    clean = {k: v for k, v in os.environ.items() if k not in ("AWS_EXECUTION_ENV", "_HANDLER")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        env={**clean, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


LAMBDA = {"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12", "_HANDLER": "lambdapkg.handler_mod.handler"}


def test_on_lambda_the_collector_is_off_while_the_handler_module_loads_then_on_with_init_frozen(
    tmp_path: Path,
) -> None:
    # GIVEN Lambda's environment naming the handler  WHEN the package, then the handler module, is imported
    found = run(tmp_path, LAMBDA)
    # THEN the collector is off from the package's import to the end of the handler module's
    assert found["before"] is False
    assert found["during"] is False
    # AND on again afterwards, with what init built frozen out of its sight
    assert found["after"] is True
    frozen = found["frozen"]
    assert isinstance(frozen, int)
    assert frozen > 1000


def test_a_handler_module_that_fails_to_import_still_turns_the_collector_back_on(tmp_path: Path) -> None:
    # GIVEN Lambda names a handler module that raises while it is imported
    found = run(
        tmp_path, {**LAMBDA, "_HANDLER": "lambdapkg.failing_mod.handler"}, module="lambdapkg.failing_mod"
    )
    # THEN the collector is on again all the same
    assert found["during"] is None
    assert found["after"] is True


@pytest.mark.parametrize(
    "env",
    [
        {},  # tests, the local runner
        {"_HANDLER": "lambdapkg.handler_mod.handler"},  # not on Lambda
        {"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"},  # no handler named: no end of init to wait for
    ],
)
def test_elsewhere_the_collector_is_left_alone(tmp_path: Path, env: dict[str, str]) -> None:
    found = run(tmp_path, env)
    assert found == {"before": True, "during": True, "after": True, "frozen": found["frozen"]}


LONG_LIVED = textwrap.dedent(
    """
    import gc, json
    from shared import lambda_init
    before = gc.get_freeze_count()
    with lambda_init.long_lived():
        during = gc.isenabled()
        kept = [[i] for i in range(5000)]
    print(json.dumps({"during": during, "after": gc.isenabled(), "frozen": gc.get_freeze_count() - before}))
    """
)


@pytest.mark.parametrize(
    ("env", "paused"), [({"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}, True), ({}, False)]
)
def test_what_a_container_keeps_for_good_is_built_without_collection_on_lambda_only(
    env: dict[str, str], paused: bool
) -> None:
    # GIVEN a block building long-lived objects (an AWS client, in shared.aws)
    clean = {k: v for k, v in os.environ.items() if k not in ("AWS_EXECUTION_ENV", "_HANDLER")}
    done = subprocess.run(
        [sys.executable, "-c", LONG_LIVED],
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # THEN on Lambda the collector is paused inside it, and what it built is frozen after; elsewhere untouched
    assert found["during"] is not paused
    assert found["after"] is True
    assert (found["frozen"] >= 5000) is paused
