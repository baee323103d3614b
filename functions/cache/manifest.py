from shared.declarations import Auth, Function, Layer, Route, Service, Subscription, Table

SERVICE = Service(
    name="cache",
    layer=Layer.INFRASTRUCTURE,
    tables=(Table("sessions"),),
    functions=(
        Function(
            "sessions-create",
            # Idempotent by construction: the caller names the session and its secret (NewSession).
            Route("POST", "/internal/sessions/create", status=201, idempotent=True),
            tables=("sessions",),
            description="Open a session and hand out its first refresh token.",
        ),
        Function(
            "sessions-check",
            Route("POST", "/internal/sessions/check", idempotent=True),
            tables=("sessions",),
            description="Is a session still usable: session, user and tenant state in one read.",
        ),
        Function(
            "sessions-rotate",
            # Idempotent by construction: the caller names the next secret (RefreshRequest).
            Route("POST", "/internal/sessions/rotate", idempotent=True),
            tables=("sessions",),
            description="Exchange a refresh token for a new one; a reused token revokes the session.",
        ),
        Function(
            "sessions-revoke",
            Route("POST", "/internal/sessions/revoke", idempotent=True),
            tables=("sessions",),
            description="Revoke a session (idempotent).",
        ),
        Function(
            "sessions-end-all",
            Route("POST", "/internal/sessions/end-all"),
            tables=("sessions",),
            description="End every session of a user at once (a password reset).",
        ),
        Function(
            "principals-user",
            # A repeat moves the epoch once more: cached permissions are re-read, all that a bump means.
            Route("POST", "/internal/principals/user", idempotent=True),
            tables=("sessions",),
            description="Move a user's epoch (and status) so that cached permissions are re-read.",
        ),
        Function(
            "principals-tenant",
            Route("POST", "/internal/principals/tenant", idempotent=True),
            tables=("sessions",),
            description="Move a tenant's epoch and set its status.",
        ),
        Function(
            "purge-sessions",
            Route("POST", "/internal/maintenance/purge-sessions", auth=Auth.SYSTEM),
            tables=("sessions",),
            timeout=29,
            description="Delete sessions that expired in the last days (the expired-session purge job).",
        ),
        Function(
            "subscriber",
            Subscription(
                ("user.updated", "user.deleted", "tenant.updated", "rbac.role_changed", "tenant.deleting")
            ),
            tables=("sessions",),
            publishes=True,  # tenant.purge_progress (offboarding)
            timeout=30,
            description="Invalidate on events: move the principal's epoch once per event.",
        ),
    ),
)
