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
            Subscription(("user.*", "tenant.*", "file.*", "system.*", "rbac.*")),
            tables=TABLES,
            description="Record every user, tenant, file, system and rbac event once.",
        ),
        Function(
            "query",
            Route("GET", "/api/v1/audit"),
            tables=TABLES,
            description="The tenant's audit records, newest first, by type, user and time (audit.read).",
        ),
    ),
)
