"""Package the generated osls stacks without an AWS account, count their resources, and lint them.

`deploy/check.sh` and the at-scale test (tests/integration/test_deploy_at_scale.py) both run:

    python -m stratus.deploy.osls package --endpoint http://127.0.0.1:PORT [--root DIR]
    python -m stratus.deploy.osls sizes [--root DIR]       # every stack's resource count; exit 1 above budget
    python -m stratus.deploy.osls lint --cfn-lint PATH [--root DIR]

osls asks CloudFormation one question while packaging (has the deps layer changed?); a throwaway moto server
answers it. osls compose hands every service stack two outputs of the shared stack (the deps layer's
version ARN and the deployment bucket); nothing is deployed here, so the compose state gets placeholders
for them, as `osls refresh-outputs` would write them for a deployed stage.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from stratus.deploy import serverless
from stratus.deploy.stacks import RESOURCE_BUDGET, SHARED

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ".serverless/cloudformation-template-update-stack.json"
STAGE = "ci"
PLACEHOLDER_OUTPUTS = {
    "DepsLambdaLayerQualifiedArn": "arn:aws:lambda:us-east-1:000000000000:layer:stratus-ci-deps:1",
    "ServerlessDeploymentBucketName": "stratus-ci-deployments",
}


def seed_compose_state(root: Path, stage: str = STAGE) -> Path:
    """The compose state a deployed shared stack would leave (placeholders), so that service stacks
    package without one."""
    state = root / ".serverless" / f"state.{stage}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(state.read_text()) if state.is_file() else {}
    current.setdefault("service", {"id": "stratus-ci"})
    components = current.setdefault("components", {})
    components.setdefault(SHARED, {})["outputs"] = dict(PLACEHOLDER_OUTPUTS)
    state.write_text(json.dumps(current, indent=2))
    return state


def _env(endpoint: str) -> dict[str, str]:
    bin_dir = str(ROOT / "node_modules" / ".bin")
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",  # compose runs `serverless`
        "AWS_ACCESS_KEY_ID": "dummy",
        "AWS_SECRET_ACCESS_KEY": "dummy",
        "AWS_ENDPOINT_URL": endpoint,
        "NODE_NO_WARNINGS": "1",
        "SLS_TELEMETRY_DISABLED": "1",
    }


def stack_dirs(root: Path, *, monolith: bool = True) -> list[Path]:
    """The compose stacks the root's serverless-compose.yml names, then the monolith."""
    import yaml

    compose = yaml.safe_load((root / serverless.COMPOSE).read_text())
    dirs = [root / spec["path"] for spec in compose["services"].values()]
    return [*dirs, root / serverless.MONOLITH_DIR] if monolith else dirs


def package(
    root: Path,
    endpoint: str,
    *,
    stage: str = STAGE,
    concurrency: int = 2,
    monolith: bool = True,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """`osls compose package` of every stack (in parallel, `concurrency` at a time), then the monolith.
    Returns the templates."""
    env = _env(endpoint)
    seed_compose_state(root, stage)
    for directory in stack_dirs(root):
        shutil.rmtree(directory / ".serverless", ignore_errors=True)
    bin_dir = ROOT / "node_modules" / ".bin"
    started = time.monotonic()
    command = [
        str(bin_dir / "osls-compose"),
        "package",
        "--stage",
        stage,
        "--max-concurrency",
        str(concurrency),
    ]
    _run(command, root, env)
    count = len(stack_dirs(root, monolith=False))
    log(f"  compose: packaged {count} stacks in {time.monotonic() - started:.0f}s")
    if monolith:
        started = time.monotonic()
        _run([str(bin_dir / "osls"), "package", "--stage", stage], root / serverless.MONOLITH_DIR, env)
        log(f"  monolith: packaged in {time.monotonic() - started:.0f}s")
    return templates(root, monolith=monolith)


def _run(command: Sequence[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")


def templates(root: Path, *, monolith: bool = True) -> list[Path]:
    found = [d / TEMPLATE for d in stack_dirs(root, monolith=monolith)]
    missing = [str(t) for t in found if not t.is_file()]
    if missing:
        raise SystemExit("not packaged: " + ", ".join(missing))
    return found


def sizes(root: Path, *, monolith: bool = True) -> dict[str, int]:
    """Resources per packaged stack, by stack directory name."""
    found = templates(root, monolith=monolith)
    return {t.parent.parent.name: len(json.loads(t.read_text())["Resources"]) for t in found}


def lint(root: Path, cfn_lint: str, *, monolith: bool = True) -> None:
    """cfn-lint on every packaged template, in one process."""
    paths = [str(t) for t in templates(root, monolith=monolith)]
    done = subprocess.run([cfn_lint, *paths], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"cfn-lint:\n{done.stdout[-6000:]}{done.stderr[-2000:]}")


def report(counts: dict[str, int], budget: int = RESOURCE_BUDGET) -> list[str]:
    """One line per stack, largest first; the names of the stacks over budget."""
    width = max(len(name) for name in counts)
    over = []
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        flag = "" if count <= budget else f"  ✗ over {budget}: split the service"
        print(f"  {name:<{width}}  {count:>4} resources{flag}")
        if count > budget:
            over.append(name)
    return over


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stratus.deploy.osls")
    parser.add_argument("command", choices=["package", "sizes", "lint"])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--endpoint", help="the throwaway emulator osls asks (package)")
    parser.add_argument("--stage", default=STAGE)
    parser.add_argument("--concurrency", type=int, default=2, help="stacks packaged at a time")
    parser.add_argument("--cfn-lint", default=".venv-deploy/bin/cfn-lint")
    args = parser.parse_args(argv)
    if args.command == "package":
        if not args.endpoint:
            parser.error("package needs --endpoint")
        package(args.root, args.endpoint, stage=args.stage, concurrency=args.concurrency)
        return 0
    if args.command == "lint":
        started = time.monotonic()
        lint(args.root, args.cfn_lint)
        print(f"  cfn-lint: {len(templates(args.root))} templates clean in {time.monotonic() - started:.0f}s")
        return 0
    over = report(sizes(args.root))
    if over:
        print(f"stacks above {RESOURCE_BUDGET} resources: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
