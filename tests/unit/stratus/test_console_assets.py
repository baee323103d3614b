"""The console's build is committed in the package (stratus/console_assets/: `make dev` needs no Node).
This checks it is exactly what the sources build to, so a change to console/ without `make console` fails
here rather than shipping a stale console. `make test` runs `npm ci` in console/ first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from stratus.console import ASSETS

CONSOLE = Path(__file__).resolve().parents[3] / "console"
VITE = CONSOLE / "node_modules" / ".bin" / "vite"

pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        not VITE.exists() or shutil.which("node") is None,
        reason="console/node_modules is not installed (`make console` / `npm ci` in console/)",
    ),
]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_committed_build_is_what_the_sources_build_to(tmp_path: Path) -> None:
    # WHEN the console is built afresh from its sources and lockfile
    out = tmp_path / "console_assets"
    subprocess.run(
        [str(VITE), "build", "--outDir", str(out), "--emptyOutDir", "--logLevel", "error"],
        cwd=CONSOLE,
        check=True,
        timeout=540,
    )
    # THEN the package holds exactly those files, byte for byte
    fresh, committed = tree(out), tree(ASSETS)
    assert sorted(fresh) == sorted(committed), "stale console build: run `make console` and commit it"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], f"stale console build ({changed}): run `make console` and commit it"
