"""The tenant's connection quota: its plan's, unless the config center says otherwise.

The plan comes from tenants (`validate`: a suspended tenant is refused there, 403 TENANT_SUSPENDED); the
config center's `realtime` key (`{"maxConnections": n}`, platform < plan:<plan> < tenant — docs/config-
center.md) overrides the plan's number without a deploy. Counted at authentication (store.count_open).
"""

from __future__ import annotations

from functions.realtime.manifest import SERVICE
from functions.tenants.client import TenantsClient
from shared import tenant_config

CONFIG_KEY = "realtime"
# About ten open connections (tabs, devices) per user the plan allows (functions/tenants/plans.py).
PLAN_CONNECTIONS = {"free": 100, "standard": 1_000, "premium": 10_000}

tenants = TenantsClient(SERVICE)


def max_connections(tenant_id: str) -> int:
    plan = tenants.validate(tenant_id).plan
    configured = tenant_config.value(tenant_id, CONFIG_KEY)
    override = configured.get("maxConnections") if isinstance(configured, dict) else None
    if isinstance(override, int) and not isinstance(override, bool) and override >= 0:
        return override
    return PLAN_CONNECTIONS.get(plan, PLAN_CONNECTIONS["free"])
