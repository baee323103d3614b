"""hello (application, an in-repo app): greets the caller with how many members its tenant welcomed since
enabling the app (docs/apps.md): one route, one subscriber, one job."""

from shared.declarations import Function, Layer, Route, Schedule, Service, Subscription, Table

TABLES = ("hello",)
GATE = ("registry", "tenants")  # what the app's gate asks (apps/hello/access.py)

SERVICE = Service(
    name="hello",
    layer=Layer.APPLICATION,
    package="apps",
    tables=(Table("hello", indexes=0),),
    functions=(
        Function(
            "greeting",
            Route("GET", "/api/v1/apps/hello/greeting"),
            tables=TABLES,
            calls=GATE,
            description="Greet the caller, with how many members its tenant welcomed since enabling the app.",
        ),
        Function(
            "subscriber",
            # tenant.deleted: a deleted tenant's data leaves the app's table too (docs/apps.md)
            Subscription(("user.created", "tenant.deleted")),
            tables=TABLES,
            calls=GATE,
            timeout=30,
            description="Count each new member of a tenant that enabled the app; forget deleted tenants.",
        ),
        Function(
            "tidy-job",
            Schedule("rate(1 day)"),
            tables=TABLES,
            calls=(*GATE, "monitoring"),
            publishes=True,  # system.job_started / completed (shared.jobs)
            timeout=120,
            description="Forget the counts of tenants that no longer use the app.",
        ),
    ),
)
