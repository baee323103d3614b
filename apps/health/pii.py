"""Health data and personal details never reach a log line as they are: anything logged about a reading,
a grant or a profile goes through `masked` (Powertools' data masking erases the named fields)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_masking import DataMasking

# Values, free text and contact details; ids, types and times stay (they are what an operator needs).
SENSITIVE = ("value", "note", "bio", "name", "email", "body", "message")


@cache
def _masking() -> DataMasking:
    return DataMasking()


def masked(doc: Mapping[str, Any]) -> dict[str, Any]:
    present = [field for field in SENSITIVE if field in doc]
    if not present:
        return dict(doc)
    return dict(_masking().erase(dict(doc), fields=present))
