"""Units, plausible bounds and reference ranges per reading type.

Every value is compared in its type's canonical unit (kg, hours, mmol/L; blood pressure in mmHg, the
systolic figure standing for the reading in statistics). Reference ranges are adult resting ranges of
common clinical guidance (AHA blood pressure below 140/90, resting heart rate 60-100, 7-9 h of sleep,
glucose 3.9-7.8 mmol/L); weight and steps have no range that fits everyone, so they never alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CANONICAL_UNIT = {
    "heart_rate": "bpm",
    "blood_pressure": "mmHg",
    "weight": "kg",
    "steps": "count",
    "sleep": "h",
    "glucose": "mmol/L",
}
_TO_CANONICAL = {"lb": 0.45359237, "min": 1 / 60, "mg/dL": 1 / 18.016}
# Outside these a value is a typo or a broken sensor, not a health signal: refused (400).
PLAUSIBLE = {
    "heart_rate": (20.0, 300.0),
    "weight": (0.5, 500.0),
    "steps": (0.0, 200_000.0),
    "sleep": (0.0, 24.0),
    "glucose": (0.5, 60.0),
}


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


REFERENCE: dict[str, Range] = {
    "heart_rate": Range(60, 100),
    "blood_pressure": Range(90, 139),  # systolic
    "sleep": Range(7, 9),
    "glucose": Range(3.9, 7.8),
}
DIASTOLIC = Range(60, 89)


def canonical(reading_type: str, value: float, unit: str) -> float:
    return float(value) * _TO_CANONICAL.get(unit, 1.0)


def check_plausible(reading_type: str, value: float, unit: str) -> None:
    low, high = PLAUSIBLE[reading_type]
    figure = canonical(reading_type, value, unit)
    if not low <= figure <= high:
        raise ValueError(
            f"value: {reading_type} must lie within {low:g}-{high:g} {CANONICAL_UNIT[reading_type]}"
        )
    if reading_type == "steps" and figure != int(figure):
        raise ValueError("value: steps are a whole number")


def figure_of(reading_type: str, value: Any, unit: str) -> float:
    """The one number statistics use: the canonical value (blood pressure: systolic)."""
    if reading_type == "blood_pressure":
        return float(value["systolic"])
    return canonical(reading_type, value, unit)


def out_of_range(reading_type: str, value: Any, unit: str) -> bool:
    if reading_type == "blood_pressure":
        return not (
            REFERENCE["blood_pressure"].holds(value["systolic"]) and DIASTOLIC.holds(value["diastolic"])
        )
    reference = REFERENCE.get(reading_type)
    return reference is not None and not reference.holds(canonical(reading_type, value, unit))


def reference_of(reading_type: str) -> dict[str, float] | None:
    reference = REFERENCE.get(reading_type)
    return None if reference is None else {"low": reference.low, "high": reference.high}
