"""monitoring (infrastructure): health, per-tenant daily counters from events, request metrics in
Prometheus format, and the results of scheduled jobs (docs/platform-services.md)."""

from shared.declarations import Auth, Function, Layer, Route, Schedule, Service, Subscription, Table

TABLES = ("monitoring",)

SERVICE = Service(
    name="monitoring",
    layer=Layer.INFRASTRUCTURE,
    tables=(Table("monitoring"),),
    functions=(
        Function(
            "health",
            Route("GET", "/internal/health", auth=Auth.PUBLIC),
            description="Per-dependency health: every table, the bus and the bucket.",
            inspects_platform=True,
        ),
        Function(
            "subscriber",
            Subscription(
                (
                    "user.login",
                    "user.created",
                    "user.deleted",
                    "file.uploaded",
                    "file.deleted",
                    "tenant.created",
                    "system.*",
                    "tenant.deleting",
                )
            ),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress (offboarding)
            timeout=30,
            description="Per-tenant, per-day counters of logins, uploads, users, tenants and jobs.",
        ),
        Function(
            "summary",
            Route("GET", "/api/v1/metrics/summary"),
            tables=TABLES,
            description="The tenant's counters: today, the last days and their total (metrics.read).",
        ),
        Function(
            "prometheus",
            Route("GET", "/internal/metrics", auth=Auth.METRICS),
            tables=TABLES,
            reads_request_metrics=True,
            description="Request counts and durations per route and tenant, in Prometheus text format.",
        ),
        Function(
            "execution-result",
            Route("POST", "/internal/jobs/execution-result"),
            tables=TABLES,
            description="Seed 000 scenario 4: record a job execution's result.",
        ),
        Function(
            "jobs",
            Route("GET", "/api/v1/jobs"),
            tables=TABLES,
            description="Recent job executions (platform admin).",
        ),
        Function(
            "queues",
            Route("GET", "/api/v1/queues"),
            manages_queues=True,
            description="Every subscriber queue with its depths and dead letters (platform admin).",
        ),
        Function(
            "queue-redrive",
            Route("POST", "/api/v1/queues/{name}/redrive"),
            manages_queues=True,
            timeout=29,  # within API Gateway's 29 s: the redrive moves what fits (queue_store.redrive)
            description="Move a subscriber queue's dead letters back to it (platform admin).",
        ),
        Function(
            "outbox-drain-job",
            Schedule("rate(1 minute)"),
            calls=("monitoring",),
            publishes=True,
            timeout=60,
            description="Publish the events a write staged but the bus refused (shared.outbox).",
        ),
    ),
)
