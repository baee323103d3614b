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


@pytest.fixture
def sqs() -> Iterator[tuple[Any, str]]:
    emulator_speedups.install()
    with mock_aws():
        client = boto3.client("sqs", region_name="us-east-1")
        yield client, client.create_queue(QueueName="speedup-sqs")["QueueUrl"]


def test_a_batch_delete_removes_what_it_names_and_refuses_an_unknown_handle(sqs: tuple[Any, str]) -> None:
    client, url = sqs
    # GIVEN three messages received, one of them deleted already
    for n in range(3):
        client.send_message(QueueUrl=url, MessageBody=str(n))
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    assert len(got) == 3
    client.delete_message(QueueUrl=url, ReceiptHandle=got[2]["ReceiptHandle"])
    # WHEN a batch names the first two, the deleted one again, and a handle no message ever had
    entries = [{"Id": f"m{n}", "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(got)]
    reply = client.delete_message_batch(
        QueueUrl=url, Entries=[*entries, {"Id": "bad", "ReceiptHandle": "no-such-handle"}]
    )
    # THEN the three are answered as deleted (a repeat is no error), the unknown one as invalid
    assert sorted(s["Id"] for s in reply["Successful"]) == ["m0", "m1", "m2"]
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in reply["Failed"]] == [
        ("bad", "ReceiptHandleIsInvalid", True)
    ]
    # AND the queue is empty
    assert client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []


def test_received_messages_stay_hidden_for_their_visibility_timeout_and_expire_by_retention(
    sqs: tuple[Any, str],
) -> None:
    client, url = sqs
    # GIVEN a message received with a visibility timeout of an hour
    client.send_message(QueueUrl=url, MessageBody="hidden")
    assert len(client.receive_message(QueueUrl=url, VisibilityTimeout=3600)["Messages"]) == 1
    # WHEN another is sent and the queue received from again
    client.send_message(QueueUrl=url, MessageBody="visible")
    bodies = [m["Body"] for m in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    # THEN only the new one comes back
    assert bodies == ["visible"]
    # AND a message older than the queue's retention period is not handed out
    client.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "60"})
    client.send_message(QueueUrl=url, MessageBody="old")
    from moto.sqs.models import sqs_backends

    queue = sqs_backends["123456789012"]["us-east-1"].queues["speedup-sqs"]
    for message in queue._messages:
        message.sent_timestamp -= 120_000  # sent two minutes ago
    assert client.receive_message(QueueUrl=url, VisibilityTimeout=0).get("Messages", []) == []


def test_repeated_expressions_still_apply_and_check_each_request_s_own_values(dynamodb: Any) -> None:
    key = {"pk": {"S": "n"}, "sk": {"S": "1"}}
    update = "SET tags = list_append(if_not_exists(tags, :empty), :tag) ADD hits :one"
    # WHEN the same update and condition texts run with different values, again and again
    for n in range(3):
        dynamodb.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression=update,
            ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
            ExpressionAttributeValues={
                ":empty": {"L": []},
                ":tag": {"L": [{"S": f"t{n}"}]},
                ":one": {"N": "1"},
                ":limit": {"N": "3"},
            },
        )
    # THEN each applied its own values
    item = _get(dynamodb, "n", "1")
    assert item is not None
    assert item["hits"] == {"N": "3"}
    assert item["tags"] == {"L": [{"S": "t0"}, {"S": "t1"}, {"S": "t2"}]}
    # AND the condition is evaluated against the item as it now is, with this request's limit
    for limit, passes in (("3", False), ("4", True)):
        attempt = {
            "TableName": TABLE,
            "Key": key,
            "UpdateExpression": "ADD hits :one",
            "ConditionExpression": "attribute_not_exists(hits) OR hits < :limit",
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":limit": {"N": limit}},
        }
        if passes:
            dynamodb.update_item(**attempt)
        else:
            with pytest.raises(ClientError) as refused:
                dynamodb.update_item(**attempt)
            assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert _get(dynamodb, "n", "1")["hits"] == {"N": "4"}  # type: ignore[index]


def test_an_invalid_expression_is_refused_every_time(dynamodb: Any) -> None:
    for _ in range(2):  # the second time too: a failed parse is not kept
        with pytest.raises(ClientError) as refused:
            dynamodb.update_item(
                TableName=TABLE,
                Key={"pk": {"S": "x"}, "sk": {"S": "1"}},
                UpdateExpression="SET = :v",
                ExpressionAttributeValues={":v": {"S": "v"}},
            )
        assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_sending_still_deduplicates_by_content_on_fifo_queues_and_counts_stay_true(
    sqs: tuple[Any, str],
) -> None:
    client, standard = sqs
    fifo = client.create_queue(
        QueueName="speedup.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    # WHEN the same body is sent twice to each queue
    for _ in range(2):
        client.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g")
        client.send_message(QueueUrl=standard, MessageBody="same")

    # THEN the FIFO queue kept one (content-based deduplication), the standard queue both
    def count(url: str) -> int:
        found = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(found["Attributes"]["ApproximateNumberOfMessages"])

    assert (count(fifo), count(standard)) == (1, 2)
    everything = client.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert everything["ContentBasedDeduplication"] == "true"
    assert everything["ApproximateNumberOfMessages"] == "1"
