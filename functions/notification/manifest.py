"""notification (business): messages for platform events by email (SES), SMS (SNS) and an in-app inbox,
per-user preferences, and the alerts of failed jobs (docs/platform-services.md)."""

from shared.declarations import Function, Layer, Route, Service, Subscription, Table

TABLES = ("notifications",)

SERVICE = Service(
    name="notification",
    layer=Layer.BUSINESS,
    tables=(Table("notifications"),),
    functions=(
        Function(
            "subscriber",
            Subscription(
                (
                    "user.created",
                    "user.updated",
                    "user.deleted",
                    "user.password_changed",
                    "rbac.role_changed",
                    "tenant.created",
                    "tenant.quota_exceeded",
                    "file.quota_warning",
                    "file.virus_detected",
                    "system.job_failed",
                    "tenant.deleting",
                )
            ),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress (offboarding)
            sends_messages=True,
            timeout=30,
            description="Welcome, password, quota, virus and job-failure messages; the recipient projection.",
        ),
        Function(
            "inbox",
            Route("GET", "/api/v1/notifications"),
            tables=TABLES,
            description="The caller's in-app notifications, newest first.",
        ),
        Function(
            "inbox-internal",
            Route("GET", "/internal/notifications"),
            tables=TABLES,
            description="The in-app notifications of the user a service acts for, newest first.",
        ),
        Function(
            "mark-read",
            Route("POST", "/api/v1/notifications/{notificationId}/read", status=204),
            tables=TABLES,
            description="Mark one of the caller's notifications read.",
        ),
        Function(
            "preferences-get",
            Route("GET", "/api/v1/notifications/preferences"),
            tables=TABLES,
            description="The caller's channel preferences.",
        ),
        Function(
            "preferences-put",
            Route("PUT", "/api/v1/notifications/preferences"),
            tables=TABLES,
            description="Change the caller's channel preferences.",
        ),
        Function(
            "alerts-send",
            Route("POST", "/internal/alerts/send"),
            tables=TABLES,
            sends_messages=True,
            publishes=True,  # notification.created with each in-app item (realtime pushes it)
            description="Seed 000 scenario 4: alert the platform admins (and given addresses).",
        ),
        Function(
            "inbox-add",
            Route("POST", "/internal/notifications/inbox"),
            tables=TABLES,
            publishes=True,  # notification.created with the item (realtime pushes it)
            description="One in-app notification for a user, asked for by another service (an app's alert).",
        ),
        Function(
            "messages-send",
            # Idempotent by construction: the delivery is claimed under the call's key (mailer.py), so a
            # repeat answers the same and sends nothing twice (notification's test_links.py).
            Route("POST", "/internal/messages/send", idempotent=True),
            tables=TABLES,
            sends_messages=True,
            description="One account-link email (verify, reset, invitation) to one address, once per key.",
        ),
        Function(
            "templates-put",
            Route("PUT", "/api/v1/notifications/templates/{name}"),
            tables=TABLES,
            description="A tenant's own subject and body for a template (notification.manage).",
        ),
        Function(
            "tenant-export",
            Route("POST", "/internal/notifications/tenant-export"),
            tables=TABLES,
            description="Given users' inboxes and preferences for their tenant's export (offboarding).",
        ),
    ),
)
