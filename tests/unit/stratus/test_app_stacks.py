"""In-repo apps deploy like the platform's services, each as a stack of its own in both deployments, with
their code in the package and the deployment telling the registry which apps it ships; the secret pepper
reaches every function as a secret, never as text in a committed file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from apps.catalog import APPS
from functions.catalog import registry
from functions.registry import in_repo
from shared.declarations import Service
from stratus.deploy import generate, package, serverless, terraform

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("app", APPS, ids=lambda s: s.name)
def test_each_app_is_an_osls_stack_of_its_own_after_the_shared_one(app: Service) -> None:
    compose = yaml.safe_load((ROOT / serverless.COMPOSE).read_text())["services"]
    assert compose[app.name]["dependsOn"] == ["shared"]
    stack = yaml.safe_load((ROOT / compose[app.name]["path"] / "serverless.yml").read_text())
    assert stack["service"] == f"stratus-{app.name}"
    assert set(stack["functions"]) == {fn.qualified_name for fn in app.functions}
    assert {fn["handler"] for fn in stack["functions"].values()} == {fn.handler for fn in app.functions}
    assert all(handler.startswith(f"apps.{app.name}.") for handler in (fn.handler for fn in app.functions))


@pytest.mark.parametrize("app", APPS, ids=lambda s: s.name)
def test_each_app_is_a_terraform_service_module_of_its_own(app: Service) -> None:
    services = json.loads((ROOT / terraform.DATA).read_text())["locals"]["services"]
    assert set(services[app.name]["functions"]) == {fn.qualified_name for fn in app.functions}
    assert set(services[app.name]["tables"]) == {t.name for t in app.tables}


def test_the_code_package_carries_the_apps() -> None:
    assert "apps" in package.CODE_DIRS


def test_the_registry_is_told_which_apps_the_deployment_ships() -> None:
    files = generate.expected(registry())
    assert files[in_repo.RELATIVE] == in_repo.document(registry().services)
    assert sorted(a["name"] for a in json.loads(files[in_repo.RELATIVE])["apps"]) == sorted(
        a.name for a in APPS
    )


def test_the_pepper_is_a_secret_reference_in_osls_and_a_sensitive_variable_in_terraform() -> None:
    for name in ("shared", *(s.name for s in registry().services)):
        stack = yaml.safe_load((ROOT / serverless.STACKS / name / "serverless.yml").read_text())
        pepper = stack["provider"]["environment"]["STRATUS_SECRET_PEPPER"]
        assert pepper == "{{resolve:secretsmanager:stratus-${sls:stage}/secret-pepper}}", name
    main = (ROOT / terraform.ENV / "main.tf").read_text()
    variables = (ROOT / terraform.ENV / "variables.tf").read_text()
    assert "STRATUS_SECRET_PEPPER        = var.secret_pepper" in main
    block = variables.split('variable "secret_pepper" {', 1)[1].split("}", 1)[0]
    assert "sensitive   = true" in block
