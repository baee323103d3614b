"""Write, or check, every generated deployment file."""

from __future__ import annotations

from pathlib import Path

from functions.registry import in_repo
from shared.registry import Registry
from stratus.deploy import localstack, serverless, state_machines, terraform

ROOT = Path(__file__).resolve().parents[2]

# Where generated files live: one that carries the generated header but is no longer expected (a
# service that was removed, a file of an earlier layout) is stale too, and `write` deletes it.
GENERATED = (
    "serverless.yml",
    f"{serverless.STACKS}/*.yml",
    f"{serverless.STACKS}/*/serverless.yml",
    f"{serverless.MONOLITH_DIR}/*.yml",
    f"{terraform.ENV}/*.tf.json",
)
MARK = "Generated from the"


def expected(registry: Registry) -> dict[str, str]:
    return {
        **serverless.files(registry),
        **terraform.files(registry),
        **localstack.files(registry),
        **state_machines.files(registry),  # Step Functions (Terraform; osls: in the service stacks)
        **in_repo.files(registry.services),  # which in-repo apps the deployed registry knows (docs/apps.md)
    }


def leftovers(expected_paths: set[str], root: Path = ROOT) -> list[str]:
    """Generated files that the declarations no longer give."""
    found = []
    for pattern in GENERATED:
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if relative not in expected_paths and MARK in path.read_text()[:300]:
                found.append(relative)
    return found


def stale(registry: Registry, root: Path = ROOT) -> list[str]:
    """Generated files whose committed content differs from what the declarations give (or that they
    no longer give)."""
    files = expected(registry)
    differ = [
        path
        for path, content in files.items()
        if not (root / path).is_file() or (root / path).read_text() != content
    ]
    return differ + leftovers(set(files), root)


def write(registry: Registry, root: Path = ROOT) -> list[str]:
    files = expected(registry)
    written = []
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text() != content:
            target.write_text(content)
            if content.startswith("#!"):
                target.chmod(0o755)
            written.append(path)
    for path in leftovers(set(files), root):
        (root / path).unlink()
        written.append(f"{path} (removed: no longer declared)")
    return written
