"""Subscription plans and the quotas each grants by default (docs/identity.md, tenants)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Plan = Literal["free", "standard", "premium"]

KIB = 1024
MIB = KIB * KIB
GIB = MIB * KIB

# Quota names as stored and returned (camelCase), with their plan defaults.
PLANS: dict[str, dict[str, int]] = {
    "free": {"storageBytes": 1 * GIB, "maxUsers": 10, "maxFileBytes": 10 * MIB, "apiCallsPerDay": 10_000},
    "standard": {
        "storageBytes": 10 * GIB,
        "maxUsers": 100,
        "maxFileBytes": 100 * MIB,
        "apiCallsPerDay": 100_000,
    },
    "premium": {
        "storageBytes": 100 * GIB,
        "maxUsers": 1_000,
        "maxFileBytes": 1 * GIB,
        "apiCallsPerDay": 1_000_000,
    },
}
QUOTA_NAMES = ("storageBytes", "maxUsers", "maxFileBytes", "apiCallsPerDay")


def quotas_for(plan: str, overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """The plan's defaults with any explicitly given values on top."""
    return {**PLANS[plan], **(overrides or {})}
