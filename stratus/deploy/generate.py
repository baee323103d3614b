"""Write, or check, every generated deployment file."""

from __future__ import annotations

from pathlib import Path

from shared.registry import Registry
from stratus.deploy import localstack, serverless, terraform

ROOT = Path(__file__).resolve().parents[2]


def expected(registry: Registry) -> dict[str, str]:
    return {**serverless.files(registry), **terraform.files(registry), **localstack.files(registry)}


def stale(registry: Registry, root: Path = ROOT) -> list[str]:
    """Generated files whose committed content differs from what the declarations give."""
    return [
        path
        for path, content in expected(registry).items()
        if not (root / path).is_file() or (root / path).read_text() != content
    ]


def write(registry: Registry, root: Path = ROOT) -> list[str]:
    written = []
    for path, content in expected(registry).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text() != content:
            target.write_text(content)
            if content.startswith("#!"):
                target.chmod(0o755)
            written.append(path)
    return written
