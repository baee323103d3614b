"""The embedded emulator answers a base-table Query from the one partition (as DynamoDB does) and gives
exactly what moto's full-table filter gave: the partition's items, in key order, paged the same way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from shared import aws
from shared.declarations import Table
from stratus.provision import create_table

TABLE = "stratus-test-things"


@pytest.fixture(autouse=True)
def _table() -> Iterator[None]:
    with mock_aws():
        create_table(Table("things"))
        for tenant in ("acme", "globex"):
            for n in range(5):
                aws.client("dynamodb").put_item(
                    TableName=TABLE, Item={"pk": {"S": f"TENANT#{tenant}"}, "sk": {"S": f"ITEM#{n}"}}
                )
        yield


def query(**extra: object) -> dict[str, object]:
    found: dict[str, object] = aws.client("dynamodb").query(  # type: ignore[assignment]
        TableName=TABLE,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :item)",
        ExpressionAttributeValues={":pk": {"S": "TENANT#acme"}, ":item": {"S": "ITEM#"}},
        **extra,
    )
    return found


def keys(found: dict[str, object]) -> list[str]:
    return [item["sk"]["S"] for item in found["Items"]]  # type: ignore[attr-defined, index]


def test_a_query_reads_its_partition_in_key_order_and_pages_like_dynamodb() -> None:
    assert keys(query()) == [f"ITEM#{n}" for n in range(5)]
    newest = query(ScanIndexForward=False, Limit=2)
    assert keys(newest) == ["ITEM#4", "ITEM#3"]
    rest = query(ScanIndexForward=False, Limit=10, ExclusiveStartKey=newest["LastEvaluatedKey"])
    assert keys(rest) == ["ITEM#2", "ITEM#1", "ITEM#0"]


def test_an_unknown_partition_is_empty() -> None:
    found = aws.client("dynamodb").query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "TENANT#initech"}},
    )
    assert found["Items"] == []
