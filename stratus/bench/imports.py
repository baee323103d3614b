"""Which modules each handler module imports, each in an interpreter of its own.

One fresh interpreter imports a neutral base (libraries every handler loads anyway) and then forks once
per handler: the child imports the handler and reports the modules it now holds (base included), so each
answer is what that handler alone pulls in, at a fraction of a fresh interpreter's cost per function.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Loaded by every handler; none of them may ever be on a deny-list (the base is part of every answer).
# `functions` and `apps` first, as on Lambda: their `__init__` makes Powertools' packages lazy.
BASE = (
    "functions",
    "apps",
    "pydantic",
    "botocore.session",
    "botocore.client",
    "aws_lambda_powertools.logging",
    "shared.http_app",
)

_CHILD = r"""
import importlib, json, os, sys
sys.path.insert(0, os.getcwd())
base, modules, prefixes = json.loads(sys.stdin.read())
prefixes = tuple(prefixes)
packages = tuple(p + "." for p in prefixes)
for name in base:
    importlib.import_module(name)
answers = {}
for name in modules:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            held = sorted(m for m in sys.modules if m in prefixes or m.startswith(packages))
            answer = {"modules": held}
        except BaseException as exc:
            answer = {"error": repr(exc)}
        os.write(write, json.dumps(answer).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    answers[name] = json.loads(b"".join(chunks))
sys.stdout.write(json.dumps(answers))
"""


def imported(modules: Sequence[str], prefixes: Sequence[str]) -> dict[str, list[str]]:
    """For each module: the modules named by `prefixes` (a package and its submodules) that importing it
    loads. A module that fails to import raises ImportError here, with its error."""
    payload = json.dumps([list(BASE), list(modules), list(prefixes)])
    ran = subprocess.run(
        [sys.executable, "-c", _CHILD], input=payload, capture_output=True, text=True, cwd=ROOT, check=True
    )
    answers: dict[str, dict[str, list[str] | str]] = json.loads(ran.stdout)
    failed = {name: a["error"] for name, a in answers.items() if "error" in a}
    if failed:
        raise ImportError(f"handler modules that do not import: {failed}")
    return {name: list(a["modules"]) for name, a in answers.items()}
