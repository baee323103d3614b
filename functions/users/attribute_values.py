"""DynamoDB attribute values to and from Python, with boto3's own (de)serializers made on first use.

Importing `boto3.dynamodb.types` at module level loads boto3 (its session and resource layer) into the
import of every users function, read-only ones included; deferred, it costs only the functions that write
or decode such values, when they first do.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer


@cache
def _serializer() -> TypeSerializer:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> TypeDeserializer:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def serialize(value: Any) -> Any:
    return _serializer().serialize(value)


def deserialize(value: Any) -> Any:
    return _deserializer().deserialize(value)
