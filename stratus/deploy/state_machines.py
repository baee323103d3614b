"""The declared Step Functions state machines (`Service.state_machines`), in both deployments.

Each machine's Amazon States Language document is built once from the declarations
(`StateMachine.definition(arn_for)`); each deployment only says how a task function's ARN is written:

- osls (CloudFormation, in the service's stack): `AWS::StepFunctions::StateMachine` (STANDARD) whose
  `DefinitionString` is an `Fn::Join` with each task's ARN built from the partition, region, account and the
  function's deployed name, plus a role that may invoke exactly those functions.
- Terraform: `state_machines.tf.json` instantiates `modules/state_machine` once per machine; the module
  puts the functions' ARNs in (`@@ARN_PREFIX@@` placeholders) and owns the role.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shared.declarations import Service, StateMachine
from shared.registry import Registry
from stratus.deploy.cloudformation import PREFIX, join, logical

TERRAFORM_FILE = "infra/terraform/envs/dev/state_machines.tf.json"
_MARK = "@@TASK:{}@@"
_MARKS = re.compile(r"@@TASK:([A-Za-z0-9-]+)@@")


def machines(services: list[Service] | tuple[Service, ...]) -> list[tuple[Service, StateMachine]]:
    return [(service, machine) for service in services for machine in service.state_machines]


def _document(service: Service, machine: StateMachine) -> str:
    return json.dumps(machine.definition(lambda task: _MARK.format(f"{service.name}-{task}")), indent=2)


# --- osls / CloudFormation ---------------------------------------------------------------------------
def _lambda_arn(qualified: str) -> dict[str, Any]:
    return join(
        "arn:",
        {"Ref": "AWS::Partition"},
        ":lambda:",
        {"Ref": "AWS::Region"},
        ":",
        {"Ref": "AWS::AccountId"},
        f":function:{PREFIX}-{qualified}",
    )


def cfn_resources(services: list[Service] | tuple[Service, ...]) -> dict[str, Any]:
    """The state machines of `services` and their roles, as CloudFormation resources."""
    out: dict[str, Any] = {}
    for service, machine in machines(services):
        parts: list[Any] = []
        for i, piece in enumerate(_MARKS.split(_document(service, machine))):
            parts.append(_lambda_arn(piece) if i % 2 else piece)
        name = logical(f"{service.name}-{machine.name}")
        tasks = [_lambda_arn(f"{service.name}-{task}") for task in machine.tasks]
        out[f"{name}StateMachineRole"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "invoke-tasks",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": tasks}
                            ],
                        },
                    }
                ],
            },
        }
        out[f"{name}StateMachine"] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": f"{PREFIX}-{service.name}-{machine.name}",
                "StateMachineType": "STANDARD",
                "RoleArn": {"Fn::GetAtt": [f"{name}StateMachineRole", "Arn"]},
                "DefinitionString": {"Fn::Join": ["", parts]},
            },
        }
    return out


# --- Terraform ---------------------------------------------------------------------------------------
def terraform_document(registry: Registry) -> dict[str, Any]:
    modules: dict[str, Any] = {}
    for service, machine in machines(registry.services):
        document = _MARKS.sub(lambda m: "@@ARN_PREFIX@@" + m.group(1), _document(service, machine))
        modules[f"state_machine_{service.name}_{machine.name}".replace("-", "_")] = {
            "source": "../../modules/state_machine",
            "name": f"${{local.prefix}}-{service.name}-{machine.name}",
            "prefix": "${local.prefix}",
            "definition": document.replace("${", "$${"),
            "task_functions": [f"${{local.prefix}}-{service.name}-{task}" for task in machine.tasks],
            "depends_on": ["module.service"],
        }
    doc: dict[str, Any] = {
        "//": "Generated from the declarations by `stratus generate`. Do not edit: edit the manifests."
    }
    if modules:
        doc["module"] = modules
    return doc


def files(registry: Registry) -> dict[str, str]:
    if not machines(registry.services):
        return {}
    return {TERRAFORM_FILE: json.dumps(terraform_document(registry), indent=2) + "\n"}
