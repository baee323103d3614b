"""realtime (application): seed 001's WebSocket push (docs/realtime.md). An API Gateway WebSocket API calls
`connect`, `default` (every message: auth, ping, subscribe, unsubscribe) and `disconnect`; pushes go out
through the API's management endpoint (PostToConnection). It calls down to cache (is the token's session
alive), rbac (fresh permissions) and tenants (the plan, for the connection quota); notifications and the
end of sessions reach it over the bus."""

from shared.declarations import Function, Layer, Route, Schedule, Service, Subscription, Table, WebSocket

TABLES = ("realtime",)

SERVICE = Service(
    name="realtime",
    layer=Layer.APPLICATION,
    tables=(Table("realtime"),),
    functions=(
        Function(
            "connect",
            WebSocket("$connect"),
            tables=TABLES,
            description="A new connection: recorded as pending until its `auth` message.",
        ),
        Function(
            "default",
            WebSocket("$default"),
            tables=TABLES,
            calls=("cache", "rbac", "tenants"),
            reads_flags=True,  # the tenant's `realtime` configuration (its connection quota)
            pushes=True,
            description="A client message: auth (token, tenant, quota), ping, subscribe, unsubscribe.",
        ),
        Function(
            "disconnect",
            WebSocket("$disconnect"),
            tables=TABLES,
            description="A closed connection: its rows and subscriptions go.",
        ),
        Function(
            "publish",
            Route("POST", "/api/v1/realtime/publish"),
            tables=TABLES,
            pushes=True,
            timeout=29,
            description="Push a message to a channel of the caller's tenant (realtime.publish).",
        ),
        Function(
            "subscriber",
            Subscription(
                (
                    "notification.created",
                    "realtime.push_requested",  # an app's push to users of its tenant
                    "user.logout",
                    "user.suspended",
                    "user.deleted",
                    "tenant.suspended",
                    "tenant.deleting",
                ),
                visibility_timeout=60,
            ),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress (offboarding)
            pushes=True,
            timeout=30,
            description="Push inbox items and apps' pushes; end the connections of ended sessions and users.",
        ),
        Function(
            "sweep",
            Schedule("rate(1 minute)"),
            tables=TABLES,
            calls=("monitoring",),  # the job's execution record
            pushes=True,
            description="Close the connections that sent nothing by their auth deadline (AWS would not).",
        ),
    ),
)
