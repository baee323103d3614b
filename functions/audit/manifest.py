"""audit (core): one immutable record per platform event, and the tenant's query API."""

from shared.declarations import Function, Layer, Route, Service, Subscription, Table

TABLES = ("audit",)

SERVICE = Service(
    name="audit",
    layer=Layer.CORE,
    tables=(Table("audit", indexes=2, ttl_attribute=None),),
    functions=(
        Function(
            "subscriber",
            # health.data_accessed: an app's read of someone's health data by another user (docs/health.md)
            Subscription(
                ("user.*", "tenant.*", "file.*", "system.*", "rbac.*", "config.*", "health.data_accessed")
            ),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress (offboarding)
            timeout=30,
            description="Record each user, tenant, file, system, rbac, config event; purge deleted tenants.",
        ),
        Function(
            "query",
            Route("GET", "/api/v1/audit"),
            tables=TABLES,
            description="The tenant's audit records, newest first, by type, user and time (audit.read).",
        ),
        Function(
            "query-internal",
            Route("GET", "/internal/audit"),
            tables=TABLES,
            description="The tenant's audit records, for a service acting for a user (audit.read).",
        ),
        Function(
            "tenant-export",
            Route("POST", "/internal/audit/tenant-export"),
            tables=TABLES,
            description="A page of a tenant's audit records for its export (offboarding).",
        ),
    ),
)
