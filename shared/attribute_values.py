"""DynamoDB's typed attribute values (`{"S": ...}`, `{"N": ...}`, ...) to plain Python values and back, for
the stores that write items by hand rather than through pynamodb.

Reading uses Powertools' copy of boto3's `TypeDeserializer` (it returns `bytes` for binary values, where
boto3 wraps them in `Binary`): a read handler imports no boto3 — its package brings s3transfer and
multiprocessing, ~13 ms of a cold start (issue 15). Writing uses boto3's `TypeSerializer`, imported at the
first write: only the functions that write pay for it, and only then.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

_deserializer = TypeDeserializer()


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item as DynamoDB returns it, as plain values (numbers as `Decimal`)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def wire(value: Any) -> dict[str, Any]:
    """One plain value as an attribute value (boto3's rules: `Decimal` or `int` for numbers, no `float`)."""
    result: dict[str, Any] = _serializer().serialize(value)
    return result


def wire_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item's attributes as attribute values, the None ones left out."""
    return {name: wire(value) for name, value in item.items() if value is not None}


@cache
def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()
