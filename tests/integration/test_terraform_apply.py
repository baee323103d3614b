"""`terraform apply` of infra/terraform against a moto server, then the platform's smoke test against
exactly what Terraform created (nothing provisioned by the runner)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from functions.catalog import registry
from shared import access_tokens, aws
from shared.adapters.gateway import Gateway, HttpRequest
from stratus.deploy.package import build_code
from stratus.emulator import Emulator, point_process_at

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
PLUGIN_DIR = Path(os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins"))

needs_terraform = pytest.mark.skipif(
    shutil.which("terraform") is None or not PLUGIN_DIR.is_dir(),
    reason="terraform and its provider mirror are on the machine image; not here",
)


def terraform(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": str(ROOT / "infra/terraform/.terraformrc"),
    }
    done = subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@needs_terraform
def test_terraform_apply_on_the_emulator_then_the_platform_answers(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the Terraform of the repo, a built code artifact and a stage of its own on the emulator
    infra = tmp_path / "terraform"
    shutil.copytree(
        ROOT / "infra/terraform", infra, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*")
    )
    code = build_code(tmp_path, log=lambda _line: None)
    stage = f"tf{uuid.uuid4().hex[:6]}"
    env_dir = infra / "envs/dev"
    public_jwks = json.dumps(access_tokens.jwks())

    # WHEN Terraform applies it
    terraform(env_dir, "init", "-backend=false", "-input=false", f"-plugin-dir={PLUGIN_DIR}")
    terraform(
        env_dir,
        "apply", "-auto-approve", "-input=false",
        f"-var=aws_endpoint={emulator.endpoint_url}", f"-var=stage={stage}", f"-var=code_zip={code}",
        "-var=service_token_secret=emulator-only-secret-of-at-least-32-bytes", "-var=bucket_lifecycle=false",
        f"-var=jwt_private_key={os.environ['STRATUS_JWT_PRIVATE_KEY']}",
        f"-var=jwt_public_jwks={public_jwks}",
        "-parallelism=20",
    )  # fmt: skip

    # THEN every declared function exists with its handler, and every declared route is on the API
    monkeypatch.setenv("STRATUS_STAGE", stage)
    monkeypatch.delenv("STRATUS_RESOURCE_PREFIX", raising=False)
    tables = ",".join(t.name for t in registry().tables())
    point_process_at(emulator.endpoint_url, stage=stage, extra={"STRATUS_TABLES": tables})
    for fn in registry().functions.values():
        config = aws.client("lambda").get_function(FunctionName=f"stratus-{stage}-{fn.qualified_name}")
        assert config["Configuration"]["Handler"] == fn.handler
        variables = config["Configuration"]["Environment"]["Variables"]
        assert variables["STRATUS_STAGE"] == stage
        # only auth's signers hold the private key
        assert ("STRATUS_JWT_PRIVATE_KEY" in variables) is fn.signs_tokens
    [api] = [a for a in _apis() if a["Name"] == f"stratus-{stage}-http"]
    routes = {r["RouteKey"] for r in _apigw().get_routes(ApiId=api["ApiId"])["Items"]}
    assert routes == {fn.route.key for fn in registry().http_functions}

    # AND the platform, pointed at what Terraform created, is healthy (its tables, bus and bucket exist)
    response = Gateway(registry()).handle(HttpRequest("GET", "/internal/health", headers={}))
    assert response.status == 200, response.body
    checks = response.json()["data"]["checks"]
    assert all(c["status"] == "healthy" for c in checks.values())
    assert {"bus", "bucket", "table:idempotency"} <= set(checks)


def _apigw():  # type: ignore[no-untyped-def]
    import boto3

    return boto3.client(
        "apigatewayv2", endpoint_url=os.environ["STRATUS_ENDPOINT_URL"], region_name="us-east-1"
    )


def _apis() -> list[dict[str, str]]:
    return list(_apigw().get_apis()["Items"])
