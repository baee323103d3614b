"""The event catalog in `events/`: one JSON Schema per type, validating the event's `data`.

Schemas are compiled with fastjsonschema on first use of a type and kept for the container's life.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from shared.config import settings

SUFFIX = ".schema.json"
_lock = threading.Lock()
_validators: dict[str, Callable[[Any], Any]] = {}


class UnknownEventType(ValueError):
    """A publisher used a type the catalog does not have (a bug, not a client error)."""


class EventSchemaViolation(ValueError):
    """A publisher's data does not match the type's schema (a bug, not a client error)."""


@cache
def _dir() -> Path:
    return settings().events_dir


def schema_path(event_type: str) -> Path:
    return _dir() / f"{event_type}{SUFFIX}"


def event_types() -> list[str]:
    return sorted(p.name.removesuffix(SUFFIX) for p in _dir().glob(f"*{SUFFIX}"))


def load_schema(event_type: str) -> dict[str, Any]:
    path = schema_path(event_type)
    if not path.is_file():
        raise UnknownEventType(f"{event_type!r} is not in the event catalog ({_dir()})")
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def sample(event_type: str) -> dict[str, Any]:
    example: dict[str, Any] = load_schema(event_type)["examples"][0]
    return example


def validate(event_type: str, data: dict[str, Any]) -> None:
    validator = _validators.get(event_type)
    if validator is None:
        with _lock:
            validator = _validators.get(event_type) or fastjsonschema.compile(load_schema(event_type))
            _validators[event_type] = validator
    try:
        validator(data)
    except fastjsonschema.JsonSchemaException as exc:
        raise EventSchemaViolation(f"{event_type}: {exc}") from exc
