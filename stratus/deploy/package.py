"""Build the Lambda artifacts for the python3.12 x86_64 runtime: the code (`build/code.zip`) and the deps
layer (`build/deps-layer.zip`).

The layer holds the runtime dependencies from pyproject.toml except boto3 (the runtime ships it) and
functions-framework (not a Lambda need; werkzeug stays for the WSGI monolith). Wheels are fetched for
Lambda's platform, never built here, so the layer matches what Lambda runs.

Both artifacts carry bytecode compiled by a Python of the runtime's version (`lambda_python()`): Lambda's
file system is read-only, so a module shipped without its `.pyc` is compiled from source at every cold
start. The `.pyc` files are unchecked-hash based (PEP 552): a zip's timestamps cannot invalidate them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_VERSION = (3, 12)  # stratus/deploy/serverless.py RUNTIME and the Terraform module's runtime
CODE_ROOT = "/var/task"  # where Lambda unpacks the code (tracebacks name these paths)
LAYER_ROOT = "/opt"  # and the layer
NOT_ON_LAMBDA = {"boto3", "functions-framework"}
EXTRA = ["werkzeug>=3"]


def requirements() -> list[str]:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    keep = [
        req for req in declared if re.split(r"[\[<>=!~ ]", req, maxsplit=1)[0].lower() not in NOT_ON_LAMBDA
    ]
    return keep + EXTRA


CODE_DIRS = ("shared", "functions", "apps", "events")


def build_code(out: Path = ROOT / "build", log: Callable[[str], None] = print) -> Path:
    """The functions' code: shared/, functions/, apps/ and the event catalog, as Lambda unpacks it, with
    the runtime's bytecode of every module."""
    staging = out / "code"
    shutil.rmtree(staging, ignore_errors=True)
    for top in CODE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json"):
                target = staging / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    compile_tree(staging, CODE_ROOT)
    artifact = out / "code.zip"
    _zip(staging, artifact)
    log(f"wrote {artifact} ({artifact.stat().st_size / 1e3:.0f} kB, bytecode for {runtime_tag()})")
    return artifact


def lambda_python() -> str:
    """A Python of the runtime's version, to compile the bytecode Lambda will load: `STRATUS_LAMBDA_PYTHON`,
    else `python3.12` on the PATH or in pyenv; an error otherwise (bytecode of another version is useless)."""
    wanted = "{}.{}".format(*RUNTIME_VERSION)
    candidates = [os.environ.get("STRATUS_LAMBDA_PYTHON", ""), f"python{wanted}"]
    candidates += [str(p) for p in sorted(Path.home().glob(f".pyenv/versions/{wanted}*/bin/python{wanted}"))]
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    for candidate in filter(None, candidates):
        found = shutil.which(candidate) or candidate
        try:
            version = subprocess.run([found, "-c", probe], capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            continue
        if version.stdout.strip() == wanted:
            return found
    raise RuntimeError(
        f"Lambda runs Python {wanted}: its bytecode needs a Python {wanted} interpreter "
        "(install one, or name it in STRATUS_LAMBDA_PYTHON)"
    )


def runtime_tag() -> str:
    return "cpython-{}{}".format(*RUNTIME_VERSION)


def compile_tree(root: Path, deployed_at: str) -> None:
    """`compileall` with the runtime's Python: every module of `root` gets its `__pycache__/*.pyc`,
    recorded under the path Lambda will see (`deployed_at`)."""
    subprocess.run(
        [
            lambda_python(), "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
            "-s", str(root), "-p", deployed_at, str(root),
        ],
        check=True,
    )  # fmt: skip


def _zip(staging: Path, artifact: Path) -> None:
    """Every file of `staging`; of bytecode only the runtime's (a stray other version is dead weight)."""
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(staging.rglob("*")):
            if not path.is_file():
                continue
            if path.suffix == ".pyc" and f".{runtime_tag()}." not in path.name:
                continue
            zf.write(path, path.relative_to(staging))


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
    for stale in staging.rglob("__pycache__"):  # whatever pip compiled, with whichever Python
        shutil.rmtree(stale, ignore_errors=True)
    compile_tree(staging, LAYER_ROOT)
    artifact = out / "deps-layer.zip"
    _zip(staging, artifact)
    log(f"wrote {artifact} ({artifact.stat().st_size / 1e6:.1f} MB, bytecode for {runtime_tag()})")
    return artifact
