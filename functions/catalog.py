"""Every service of the platform, in one list: what the local runner, the adapters and the deployment
generators read. A test checks that each `functions/<service>/manifest.py` is listed here."""

from __future__ import annotations

from functools import cache

from apps.catalog import APPS
from functions.audit.manifest import SERVICE as audit
from functions.auth.manifest import SERVICE as auth
from functions.cache.manifest import SERVICE as cache_service
from functions.config.manifest import SERVICE as config
from functions.files.manifest import SERVICE as files
from functions.gateway.manifest import SERVICE as gateway
from functions.graphql.manifest import SERVICE as graphql
from functions.monitoring.manifest import SERVICE as monitoring
from functions.notification.manifest import SERVICE as notification
from functions.oidc.manifest import SERVICE as oidc
from functions.rbac.manifest import SERVICE as rbac
from functions.realtime.manifest import SERVICE as realtime
from functions.registry.manifest import SERVICE as registry_service
from functions.tenants.manifest import SERVICE as tenants
from functions.users.manifest import SERVICE as users
from shared.declarations import Service
from shared.registry import Registry

SERVICES: tuple[Service, ...] = (
    gateway,
    graphql,
    files,
    oidc,
    realtime,
    tenants,
    users,
    notification,
    auth,
    rbac,
    audit,
    config,
    registry_service,
    cache_service,
    monitoring,
    *APPS,  # in-repo apps (apps/<name>/): services of the application layer, deployed like the platform's
)


@cache
def registry() -> Registry:
    return Registry(SERVICES)
