"""The code artifact ships the runtime's bytecode: Lambda's file system is read-only, so a module without its
`.pyc` would be compiled from source at every cold start (issue 15.2)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from stratus.deploy import package

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


@pytest.fixture(scope="module")
def runtime_python() -> str:
    try:
        return package.lambda_python()
    except RuntimeError as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def code_zip(runtime_python: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package.build_code(tmp_path_factory.mktemp("build"), log=lambda _line: None)


def _magic(python: str) -> bytes:
    found = subprocess.run(
        [python, "-c", "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return bytes.fromhex(found.stdout)


def test_every_module_of_the_code_zip_has_the_runtimes_unchecked_bytecode(
    code_zip: Path, runtime_python: str
) -> None:
    # GIVEN the code artifact as `stratus package` builds it
    with zipfile.ZipFile(code_zip) as zf:
        names = set(zf.namelist())
        modules = [n for n in names if n.endswith(".py")]
        # THEN each module has its cpython-312 .pyc beside it, and no other bytecode is shipped
        assert modules
        for module in modules:
            folder, _, file = module.rpartition("/")
            pyc = f"{folder}/__pycache__/{file[:-3]}.{package.runtime_tag()}.pyc"
            assert pyc in names, f"{module} ships without its bytecode"
        assert all(f".{package.runtime_tag()}." in n for n in names if n.endswith(".pyc"))
        # AND the bytecode is the runtime's and never invalidated by the zip's timestamps
        header = zf.read(f"functions/users/__pycache__/me.{package.runtime_tag()}.pyc")[:8]
    assert header[:4] == _magic(runtime_python)
    assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH


def test_the_runtime_imports_the_shipped_bytecode_from_a_read_only_tree(
    code_zip: Path, runtime_python: str, tmp_path: Path
) -> None:
    # GIVEN the artifact unpacked read-only, as Lambda's /var/task is
    task = tmp_path / "task"
    with zipfile.ZipFile(code_zip) as zf:
        zf.extractall(task)
    for path in sorted(task.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    task.chmod(0o555)
    # WHEN the runtime's Python imports a module with compiling from source forbidden
    probe = (
        "import importlib.machinery as m, sys\n"
        "def refuse(*a, **k): raise SystemExit('compiled from source')\n"
        "m.SourceFileLoader.source_to_code = refuse\n"
        f"sys.path.insert(0, {str(task)!r})\n"
        "import shared.ttl_cache as t\n"
        "print(t.__cached__)\n"
    )
    ran = subprocess.run([runtime_python, "-c", probe], capture_output=True, text=True)
    for path in task.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    task.chmod(0o755)
    # THEN it loads the shipped bytecode (nothing was compiled, nothing written)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == str(task / "shared/__pycache__" / f"ttl_cache.{package.runtime_tag()}.pyc")
