"""The cold-start benchmark: its peer is a real handler, and its measurement holds the Lambda path to having
no web framework on it."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.catalog import registry
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from stratus.bench import coldstart, peer_fastapi


def _context() -> Any:
    """A Lambda context (Mangum's type asks for more attributes than it reads)."""
    return LocalContext("peer")


def test_the_fastapi_peer_answers_users_me_from_the_authorizer_context_and_one_get_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=peer_fastapi.TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(
            TableName=peer_fastapi.TABLE,
            Item={
                "pk": {"S": "TENANT#acme#USERS"},
                "sk": {"S": "USER#u_1"},
                "email": {"S": "ada@acme.test"},
                "passwordHash": {"S": "$argon2id$never-returned"},
                "status": {"S": "active"},
                "profile": {"M": {"name": {"S": "Ada"}}},
                "createdAt": {"S": "2026-01-01T00:00:00Z"},
                "updatedAt": {"S": "2026-01-02T00:00:00Z"},
            },
        )
        # The module's own client was built at import, outside the mock: the test hands it moto's.
        monkeypatch.setattr(peer_fastapi, "dynamodb", client)
        user = UserContext.model_validate(
            {"userId": "u_1", "tenantId": "acme", "roles": ["member"], "permissions": ["user.read"]}
        )
        event = http_event("GET", "/api/v1/users/me", authorizer={"userContext": user.to_header()})

        response = peer_fastapi.handler(event, _context())

    assert response["statusCode"] == 200, response
    assert json.loads(response["body"]) == {
        "userId": "u_1",
        "email": "ada@acme.test",
        "tenantId": "acme",
        "status": "active",
        "profile": {"name": "Ada"},
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-02T00:00:00Z",
        "roles": ["member"],
        "permissions": ["user.read"],
    }


def test_the_peer_refuses_a_request_without_an_authorizer_context() -> None:
    response = peer_fastapi.handler(http_event("GET", "/api/v1/users/me"), _context())

    assert response["statusCode"] == 401


def test_cold_starts_are_measured_against_the_baseline_and_pull_in_no_web_framework() -> None:
    messages: list[str] = []

    report = coldstart.measure(
        registry(), runs=1, names=["monitoring-health", "users-me"], progress=messages.append
    )

    assert report.runs == 1
    assert report.baseline_ms > 0
    assert report.peer_ms is not None
    assert report.peer_ms > 0
    assert report.peer_ratio == pytest.approx(report.peer_ms / report.baseline_ms)
    assert [f.name for f in report.functions] == ["monitoring-health", "users-me"]
    for function in report.functions:
        assert function.median_ms > 0
        # one pair (a baseline sample, then the function's) per run: the ratio is that pair's
        assert function.ratio > 0
        # The Lambda path: a framework imported at module level anywhere below a handler fails this.
        assert function.frameworks == (), f"{function.name} imports {function.frameworks}"
    assert report.worst in report.functions
    assert messages[-1] == "cold start 2/2"
    assert "not the artifacts" in report.what


def test_the_probe_sees_a_framework_when_one_is_imported() -> None:
    """The framework check is only worth something if it can fail: the peer imports FastAPI."""
    sample = coldstart._run(
        coldstart._Target("peer", "module", coldstart.PEER_MODULE), coldstart._Where.of(None)
    )

    assert {"fastapi", "starlette"} <= set(sample.frameworks)
    assert sample.ms > 0


def test_an_unknown_function_is_refused_before_anything_runs() -> None:
    with pytest.raises(KeyError, match="no function named 'users-nope'"):
        coldstart.measure(registry(), runs=1, names=["users-nope"])
    with pytest.raises(ValueError, match="runs must be at least 1"):
        coldstart.measure(registry(), runs=0)
