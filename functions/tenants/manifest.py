from shared.declarations import Auth, Function, Layer, Route, Service, Subscription, Table

SERVICE = Service(
    name="tenants",
    layer=Layer.BUSINESS,
    tables=(Table("tenants"),),
    functions=(
        Function(
            "directory",
            Route("GET", "/internal/tenants"),
            tables=("tenants",),
            description="Every tenant id, a page at a time (for jobs that visit each tenant).",
        ),
        Function(
            "storage-usage",
            Route("POST", "/internal/tenants/{tenantId}/storage-usage", auth=Auth.SYSTEM),
            tables=("tenants",),
            description="Set the tenant's storage usage to what its files hold (quota reconciliation).",
        ),
        Function(
            "create",
            Route("POST", "/internal/tenants", status=201),
            tables=("tenants",),
            description="Create a tenant in status provisioning (a taken id is 409).",
        ),
        Function(
            "activate",
            Route("POST", "/internal/tenants/{tenantId}/activate"),
            tables=("tenants",),
            publishes=True,
            description="Move a provisioning tenant to active; publishes tenant.created.",
        ),
        Function(
            "discard",
            Route("POST", "/internal/tenants/{tenantId}/discard", idempotent=True),
            tables=("tenants",),
            description="Delete a tenant whose provisioning failed (only while provisioning).",
        ),
        Function(
            "validate",
            Route("GET", "/internal/tenants/{tenantId}/validate"),
            tables=("tenants",),
            description="Whether a tenant exists and is usable: its status and plan.",
        ),
        Function(
            "check-quota",
            Route("POST", "/internal/tenants/{tenantId}/check-quota"),
            tables=("tenants",),
            publishes=True,
            description="Check, reserve (atomically) or release storage or user quota.",
        ),
        Function(
            "seats",
            # Idempotent by construction: the caller's key marks the seat (quota.seat).
            Route("POST", "/internal/tenants/{tenantId}/seats", idempotent=True),
            tables=("tenants",),
            publishes=True,
            description="Reserve or release one user seat under the caller's key; a repeat counts once.",
        ),
        Function(
            "list",
            Route("GET", "/api/v1/tenants"),
            tables=("tenants",),
            description="Every tenant, a page at a time, by status and plan (platform admins).",
        ),
        Function(
            "get",
            Route("GET", "/api/v1/tenants/{tenantId}"),
            tables=("tenants",),
            description="A tenant with its quotas and usage (platform admin or a member).",
        ),
        Function(
            "update",
            Route("PATCH", "/api/v1/tenants/{tenantId}"),
            tables=("tenants",),
            publishes=True,
            description="Rename or change settings (tenant admin); change plan and quotas (platform admin).",
        ),
        Function(
            "suspend",
            Route("POST", "/api/v1/tenants/{tenantId}/suspend"),
            tables=("tenants",),
            calls=("cache",),
            publishes=True,
            description="Suspend a tenant (platform admin): its users lose access at once.",
        ),
        # --- offboarding: docs/identity.md, "Deleting a tenant" ------------------------------------------
        Function(
            "delete",
            Route("DELETE", "/api/v1/tenants/{tenantId}", status=202),
            tables=("tenants",),
            calls=("cache",),
            publishes=True,
            description="Delete a tenant (platform admin): logins stop at once; services purge their data.",
        ),
        Function(
            "subscriber",
            Subscription(("tenant.purge_progress",)),
            tables=("tenants",),
            publishes=True,
            timeout=30,
            description="Record each service's purge of a deleted tenant; continue, sweep, then finish it.",
        ),
    ),
)
