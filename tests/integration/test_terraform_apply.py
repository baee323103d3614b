"""`terraform apply` of infra/terraform against a moto server, then the platform's smoke test against
exactly what Terraform created (nothing provisioned by the runner).

Applying every function takes minutes and grows with the catalog, so the apply covers a representative
subset: every table, the bus, the bucket and the API, and the fewest functions that together have every
trigger kind (public, protected and internal route, the authorizer, a subscriber, a job) and every kind of
permission. The rest is proven by a plan of the whole catalog on top of that state (it replaces and removes
nothing, and adds every other declared function and route), by `terraform validate` (deploy/check.sh) and by
the drift test (tests/unit/stratus/test_deploy_drift.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterable
from pathlib import Path

import pytest

from functions.catalog import registry
from shared import access_tokens, aws
from shared.adapters.gateway import Gateway, HttpRequest
from shared.declarations import Authorizer, Function, Route, Schedule, Service, Subscription
from shared.registry import Registry
from stratus.deploy import terraform as generator
from stratus.deploy.internal_calls import invoke_targets, on_http_api, scraped
from stratus.deploy.package import build_code
from stratus.deploy.permissions import statements_for
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


def features(fn: Function) -> set[str]:
    """What applying this function exercises: its trigger kind and each kind of permission it gets."""
    trigger = fn.trigger
    if isinstance(trigger, Route):
        kind = f"route:{trigger.auth}"
    elif isinstance(trigger, Subscription):
        kind = "subscriber"
    elif isinstance(trigger, Schedule):
        kind = "schedule"
    elif isinstance(trigger, Authorizer):
        kind = "authorizer"
    else:  # a WebSocket route, a state machine's task
        kind = type(trigger).__name__.lower()
    found = {kind} | {f"permission:{st.sid}" for st in statements_for(fn, registry())}
    return found | ({"signs-tokens"} if fn.signs_tokens else set())


def representative(functions: Iterable[Function]) -> list[Function]:
    """Greedy cover: the fewest functions that together have every feature any function has."""
    left = sorted(functions, key=lambda fn: fn.qualified_name)
    wanted = set().union(*(features(fn) for fn in left))
    chosen: list[Function] = []
    while wanted:
        best = max(left, key=lambda fn: len(features(fn) & wanted))
        chosen.append(best)
        wanted -= features(best)
        left.remove(best)
    return chosen


def subset(full: Registry, keep: list[Function]) -> Registry:
    """The same services and tables, with only the chosen functions."""
    names = {fn.qualified_name for fn in keep}
    return Registry(
        Service(s.name, s.layer, s.tables, tuple(f for f in s.functions if f.qualified_name in names))
        for s in full.services
    )


def test_the_subset_covers_every_trigger_kind_and_permission() -> None:
    chosen = representative(registry().functions.values())
    covered = set().union(*(features(fn) for fn in chosen))
    assert covered == set().union(*(features(fn) for fn in registry().functions.values()))
    assert {"route:public", "route:user", "route:service", "authorizer", "subscriber", "schedule"} <= covered
    assert len(chosen) < len(registry().functions) / 3


@needs_terraform
def test_terraform_apply_on_the_emulator_then_the_platform_answers(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the Terraform of the repo with a representative subset of the functions, a built code artifact
    # and a stage of its own on the emulator
    infra = tmp_path / "terraform"
    shutil.copytree(
        ROOT / "infra/terraform", infra, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*")
    )
    full = registry()
    applied = subset(full, representative(full.functions.values()))
    env_dir = infra / "envs/dev"
    (env_dir / Path(generator.DATA).name).write_text(generator.files(applied)[generator.DATA])
    # The subset applies no saga task function, so no state machine either (the module is validated and
    # checked by deploy/check.sh; moto's Step Functions also kept `terraform apply` waiting under load).
    (env_dir / "state_machines.tf.json").unlink(missing_ok=True)
    code = build_code(tmp_path, log=lambda _line: None)
    stage = f"tf{uuid.uuid4().hex[:6]}"
    public_jwks = json.dumps(access_tokens.jwks())
    variables = [
        f"-var=aws_endpoint={emulator.endpoint_url}", f"-var=stage={stage}", f"-var=code_zip={code}",
        "-var=service_token_secret=emulator-only-secret-of-at-least-32-bytes", "-var=bucket_lifecycle=false",
        "-var=secret_pepper=emulator-only-pepper-of-at-least-32-bytes-long",
        "-var=metrics_token=emulator-only-scrape-token",
        f"-var=jwt_private_key={os.environ['STRATUS_JWT_PRIVATE_KEY']}",
        f"-var=jwt_public_jwks={public_jwks}",
    ]  # fmt: skip

    # WHEN Terraform applies it
    terraform(env_dir, "init", "-backend=false", "-input=false", f"-plugin-dir={PLUGIN_DIR}")
    terraform(env_dir, "apply", "-auto-approve", "-input=false", *variables, "-parallelism=20")

    # THEN every applied function exists with its handler, and every applied route is on the API
    monkeypatch.setenv("STRATUS_STAGE", stage)
    monkeypatch.delenv("STRATUS_RESOURCE_PREFIX", raising=False)
    tables = ",".join(t.name for t in full.tables())
    point_process_at(emulator.endpoint_url, stage=stage, extra={"STRATUS_TABLES": tables})
    invokers = 0
    for fn in applied.functions.values():
        config = aws.client("lambda").get_function(FunctionName=f"stratus-{stage}-{fn.qualified_name}")
        assert config["Configuration"]["Handler"] == fn.handler
        variables_set = config["Configuration"]["Environment"]["Variables"]
        assert variables_set["STRATUS_STAGE"] == stage
        # only auth's signers hold the private key; only scrape targets the scrape token
        assert ("STRATUS_JWT_PRIVATE_KEY" in variables_set) is fn.signs_tokens
        assert ("STRATUS_METRICS_TOKEN" in variables_set) is scraped(fn)
        # its calls go by Lambda Invoke, and its role invokes exactly the functions its calls= name
        assert variables_set["STRATUS_INTERNAL_TRANSPORT"] == "lambda"
        assert variables_set["STRATUS_FUNCTION_PREFIX"] == f"stratus-{stage}"
        invoked = _invoked(f"stratus-{stage}-{fn.qualified_name}")
        assert invoked == {f"stratus-{stage}-{target}" for target in invoke_targets(fn, applied)}
        invokers += bool(invoked)
    assert invokers > 0  # (of the applied functions, some invoke others that were applied)
    [api] = [a for a in _apis() if a["Name"] == f"stratus-{stage}-http"]
    routes = {r["RouteKey"] for r in _apigw().get_routes(ApiId=api["ApiId"])["Items"]}
    # (service-to-service routes are not on the API: their callers invoke them)
    assert routes == {fn.route.key for fn in applied.http_functions if on_http_api(fn)}

    # AND the platform, pointed at what Terraform created, is healthy (its tables, bus and bucket exist)
    response = Gateway(full).handle(HttpRequest("GET", "/internal/health", headers={}))
    assert response.status == 200, response.body
    checks = response.json()["data"]["checks"]
    assert all(c["status"] == "healthy" for c in checks.values())
    assert {"bus", "bucket", "table:idempotency"} <= set(checks)

    # AND the whole catalog plans on top of it: nothing applied is replaced or removed (moto reports a few
    # attributes back differently, so in-place updates are allowed), every other function is added
    (env_dir / Path(generator.DATA).name).write_text(generator.files(full)[generator.DATA])
    terraform(env_dir, "plan", "-input=false", "-out=full.plan", *variables, "-parallelism=20")
    changes = json.loads(terraform(env_dir, "show", "-json", "full.plan"))["resource_changes"]
    actions = {tuple(c["change"]["actions"]) for c in changes}
    assert actions <= {("create",), ("no-op",), ("read",), ("update",)}, actions
    created = [c["address"] for c in changes if c["change"]["actions"] == ["create"]]
    functions = {a for a in created if a.endswith(".aws_lambda_function.this")}
    assert len(functions) == len(full.functions) - len(applied.functions)
    route_count = sum(a.endswith(".aws_apigatewayv2_route.this") for a in created)
    on_api = [fn for fn in full.http_functions if on_http_api(fn)]
    assert route_count == len(on_api) - len([fn for fn in applied.http_functions if on_http_api(fn)])


def _apigw():  # type: ignore[no-untyped-def]
    import boto3

    return boto3.client(
        "apigatewayv2", endpoint_url=os.environ["STRATUS_ENDPOINT_URL"], region_name="us-east-1"
    )


def _invoked(role: str) -> set[str]:
    """The function names a role's inline policy lets it invoke (as moto stored what Terraform applied)."""
    import boto3

    iam = boto3.client("iam", endpoint_url=os.environ["STRATUS_ENDPOINT_URL"], region_name="us-east-1")
    policy = iam.get_role_policy(RoleName=role, PolicyName="least-privilege")["PolicyDocument"]
    document = json.loads(policy) if isinstance(policy, str) else policy
    names: set[str] = set()
    for statement in document["Statement"]:
        if "lambda:InvokeFunction" in statement["Action"]:
            resources = statement["Resource"]
            for arn in [resources] if isinstance(resources, str) else resources:
                names.add(arn.rsplit(":function:", 1)[1])
    return names


def _apis() -> list[dict[str, str]]:
    return list(_apigw().get_apis()["Items"])
