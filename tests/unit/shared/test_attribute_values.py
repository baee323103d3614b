"""shared.attribute_values: DynamoDB's typed values to plain ones and back, as boto3's rules have them."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from shared import attribute_values


def test_an_item_round_trips_through_its_attribute_values() -> None:
    # GIVEN an item of every kind a hand-written store keeps
    item = {
        "pk": "TENANT#t#ORDER#o",
        "version": 3,
        "amount": Decimal("12.50"),
        "held": True,
        "steps": ["reserve", "charge"],
        "doc": {"nested": {"n": 1}},
        "tags": {"a", "b"},
        "note": None,
    }
    # WHEN it is written and read back
    wire = attribute_values.wire_item(item)
    back = attribute_values.plain(wire)
    # THEN None is left out, numbers come back as Decimal, the rest as written
    assert "note" not in wire
    assert wire["version"] == {"N": "3"}
    assert wire["held"] == {"BOOL": True}
    assert back == {**{k: v for k, v in item.items() if k != "note"}, "version": Decimal(3)}


def test_a_float_is_refused_as_boto3_refuses_it() -> None:
    # GIVEN a float (inexact in DynamoDB's decimal numbers)  WHEN it is written  THEN it is refused
    with pytest.raises(TypeError):
        attribute_values.wire(1.5)


def test_reading_imports_no_boto3() -> None:
    # GIVEN a fresh interpreter  WHEN an item is read  THEN boto3 is not loaded (a read handler's cold start)
    probe = (
        "import sys; from shared import attribute_values; "
        "attribute_values.plain({'n': {'N': '1'}}); print('boto3' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
