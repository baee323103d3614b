"""The functions as Lambda runs them, for the cold-start bench: the packaged artifacts unpacked.

- `task/`: `build/code.zip` (`stratus package`: the code and its bytecode), Lambda's /var/task;
- `opt/python/`: `build/deps-layer.zip` (the runtime dependencies and their bytecode), Lambda's /opt;
- `runtime/`: boto3 and botocore, which the runtime ships (and the layer leaves out), with bytecode.

Imports run on the runtime's Python (`package.lambda_python()`) with `PYTHONDONTWRITEBYTECODE`, as on
Lambda's read-only file system: a module without shipped bytecode is compiled at every cold start.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stratus.deploy import package

RUNTIME_BOTO3 = "boto3"  # the runtime's own copy: whatever boto3 pip resolves for the runtime's Python


@dataclass(frozen=True)
class Shipped:
    python: str  # the runtime's interpreter
    root: Path
    version: str  # "3.12"

    @property
    def path(self) -> list[Path]:
        return [self.root / "task", self.root / "opt" / "python", self.root / "runtime"]


def prepare(out: Path, log: Callable[[str], None] = print) -> Shipped:
    """Build (or reuse) the artifacts under `out` and unpack them under `out/shipped`. Raises when a
    Python of the runtime's version or the registry is unavailable."""
    python = package.lambda_python()
    root = (out / "shipped").resolve()
    shutil.rmtree(root, ignore_errors=True)
    code = package.build_code(out, log=log)
    layer = out / "deps-layer.zip"
    pyproject = package.ROOT / "pyproject.toml"
    if not layer.exists() or layer.stat().st_mtime < pyproject.stat().st_mtime:  # a dependency came or went
        package.build_layer(out, log=log)
    _unzip(code, root / "task")
    _unzip(layer, root / "opt")
    runtime = root / "runtime"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--target", str(runtime), "--platform", "manylinux2014_x86_64", "--implementation", "cp",
            "--python-version", "{}.{}".format(*package.RUNTIME_VERSION), "--only-binary=:all:",
            RUNTIME_BOTO3,
        ],
        check=True,
    )  # fmt: skip
    for stale in runtime.rglob("__pycache__"):
        shutil.rmtree(stale, ignore_errors=True)
    package.compile_tree(runtime, "/var/runtime")
    return Shipped(python=python, root=root, version="{}.{}".format(*package.RUNTIME_VERSION))


def _unzip(artifact: Path, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(artifact) as zf:
        zf.extractall(into)
