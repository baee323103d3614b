"""registry (core): apps on the platform — registration and heartbeats of external apps, per-tenant
enablement, the routing of `/api/v1/apps/{name}/...` to them, and webhooks of their events
(docs/apps.md). It calls no other service: who is asking comes from the gateway's authorizer."""

from shared.declarations import Auth, Function, Layer, Route, Service, Subscription, Table

TABLES = ("registry",)

SERVICE = Service(
    name="registry",
    layer=Layer.CORE,
    tables=(Table("registry"),),
    functions=(
        Function(
            "register",
            Route("POST", "/api/v1/registry/services", status=201),
            tables=TABLES,
            description="Register an external app (platform admin); its secrets are shown once.",
        ),
        Function(
            "heartbeat",
            Route("POST", "/api/v1/registry/heartbeat", auth=Auth.PUBLIC),
            tables=TABLES,
            description="An app says it is alive (Bearer its registration token).",
        ),
        Function(
            "deregister",
            Route("POST", "/api/v1/registry/services/{serviceId}/deregister", status=204),
            tables=TABLES,
            description="Take an app off the platform (platform admin, or the app's own registration token).",
        ),
        Function(
            "list",
            Route("GET", "/api/v1/registry/services"),
            tables=TABLES,
            description="The registered apps, active ones only unless includeInactive (platform admin).",
        ),
        Function(
            "get",
            Route("GET", "/api/v1/registry/services/{serviceId}"),
            tables=TABLES,
            description="One registered app, with whether it is active and its last heartbeat.",
        ),
        Function(
            "deliveries",
            Route("GET", "/api/v1/registry/services/{serviceId}/deliveries"),
            tables=TABLES,
            description="An app's recent webhook delivery attempts, newest first (platform admin).",
        ),
        Function(
            "tenant-services",
            Route("GET", "/api/v1/tenants/{tenantId}/services"),
            tables=TABLES,
            description="Every app, with whether this tenant enabled it (its members, platform admins).",
        ),
        Function(
            "tenant-services-put",
            Route("PUT", "/api/v1/tenants/{tenantId}/services/{name}"),
            tables=TABLES,
            publishes=True,
            description="Enable or disable an app for a tenant (tenant admin, platform admin).",
        ),
        Function(
            "proxy",
            Route("ANY", "/api/v1/apps/{name}/{proxy+}"),
            tables=TABLES,
            signs_tokens=True,  # the app token, RS256 with the access-token key (audience = the app)
            timeout=29,
            description="An app's endpoint: permission, tenant enablement, then forwarded to the app.",
        ),
        Function(
            "oauth-clients",
            # A lookup with a body: repeating it changes nothing (functions/oidc's OAuth clients).
            Route("POST", "/internal/registry/oauth-clients/resolve", idempotent=True),
            tables=TABLES,
            description="A registered app as an OAuth client: redirect URIs, its secret checked, enablement.",
        ),
        Function(
            "app-access",
            Route("GET", "/internal/registry/apps/{name}/tenants/{tenantId}"),
            tables=TABLES,
            description="Whether a tenant enabled an in-repo app (asked by the app's kernel gate).",
        ),
        Function(
            "subscriber",
            # Every event: which apps want which is data (their registered patterns), not a rule.
            Subscription(("*",), batch_size=1, max_receive_count=6, visibility_timeout=90),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress, when it purges a deleted tenant's enablements
            timeout=45,
            description="POST each event to the webhooks of the apps its tenant enabled (Standard Webhooks).",
        ),
    ),
)
