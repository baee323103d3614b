"""The embedded emulator's speed-ups change no answer: a failed TransactWriteItems still rolls back every
item it touched (and only those), a successful one still commits, and PutEvents still delivers the event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from stratus import emulator_speedups

TABLE = "speedup-items"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    emulator_speedups.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
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
        yield client


def _put(pk: str, sk: str, **attrs: str) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    return {"Put": {"TableName": TABLE, "Item": item}}


def _get(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = client.get_item(
        TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}}
    ).get("Item")
    return found


def test_a_failed_transaction_restores_updated_and_removes_inserted_items(dynamodb: Any) -> None:
    # GIVEN an existing item, and an unrelated one
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"S": "old"}})
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "z"}, "sk": {"S": "9"}, "v": {"S": "other"}})
    # WHEN a transaction updates it, inserts a new one, then fails its last condition
    failing = {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "missing"}, "sk": {"S": "0"}},
            "ConditionExpression": "attribute_exists(pk)",
        }
    }
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[_put("a", "1", v="new"), _put("b", "2", v="x"), failing])
    # THEN nothing it wrote is left, and the untouched item is as it was
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _get(dynamodb, "a", "1") == {"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"S": "old"}}
    assert _get(dynamodb, "b", "2") is None
    assert _get(dynamodb, "z", "9") == {"pk": {"S": "z"}, "sk": {"S": "9"}, "v": {"S": "other"}}
    assert dynamodb.scan(TableName=TABLE)["Count"] == 2


def test_a_successful_transaction_commits_every_item(dynamodb: Any) -> None:
    # WHEN a transaction of two puts succeeds
    dynamodb.transact_write_items(TransactItems=[_put("a", "1", v="one"), _put("b", "2", v="two")])
    # THEN both are there
    assert _get(dynamodb, "a", "1") is not None
    assert _get(dynamodb, "b", "2") is not None


def test_put_events_still_reaches_the_rules_queue_with_the_cached_paths() -> None:
    emulator_speedups.install()
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="speedup-q")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="r", EventPattern=json.dumps({"source": ["t"]}))
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": arn}])
        for n in range(2):  # the second event takes the cached parse
            events.put_events(Entries=[{"Source": "t", "DetailType": "d", "Detail": json.dumps({"n": n})}])
        bodies = [
            json.loads(m["Body"])
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        ]
        assert sorted(b["detail"]["n"] for b in bodies) == [0, 1]
