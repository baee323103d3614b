"""Build the Lambda deps layer (`build/deps-layer.zip`) for the python3.12 x86_64 runtime.

The layer holds the runtime dependencies from pyproject.toml except boto3 (the runtime ships it) and
functions-framework (not a Lambda need; werkzeug stays for the WSGI monolith). Wheels are fetched for
Lambda's platform, never built here, so the layer matches what Lambda runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_ON_LAMBDA = {"boto3", "functions-framework"}
EXTRA = ["werkzeug>=3"]


def requirements() -> list[str]:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    keep = [
        req for req in declared if re.split(r"[\[<>=!~ ]", req, maxsplit=1)[0].lower() not in NOT_ON_LAMBDA
    ]
    return keep + EXTRA


CODE_DIRS = ("shared", "functions", "events")


def build_code(out: Path = ROOT / "build", log: Callable[[str], None] = print) -> Path:
    """The functions' code: shared/, functions/ and the event catalog, as Lambda unpacks it."""
    out.mkdir(parents=True, exist_ok=True)
    artifact = out / "code.zip"
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED) as zf:
        for top in CODE_DIRS:
            for path in sorted((ROOT / top).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json"):
                    zf.write(path, path.relative_to(ROOT))
    log(f"wrote {artifact} ({artifact.stat().st_size / 1e3:.0f} kB)")
    return artifact


def build_layer(out: Path = ROOT / "build", log: Callable[[str], None] = print) -> Path:
    staging = out / "layer"
    shutil.rmtree(staging, ignore_errors=True)
    target = staging / "python"
    target.mkdir(parents=True)
    log(f"fetching {len(requirements())} requirements for python3.12 / manylinux2014_x86_64 …")
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--target", str(target), "--platform", "manylinux2014_x86_64", "--implementation", "cp",
            "--python-version", "3.12", "--only-binary=:all:", *requirements(),
        ],
        check=True,
    )  # fmt: skip
    artifact = out / "deps-layer.zip"
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(staging.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(staging))
    log(f"wrote {artifact} ({artifact.stat().st_size / 1e6:.1f} MB)")
    return artifact
