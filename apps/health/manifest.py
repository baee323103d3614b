"""health (application, an in-repo app): seed 004's health data - readings sealed at rest per record,
consent grants to experts (every read by someone else audited), analysis with reference ranges and alerts,
weekly reports (JSON and PDF in S3), expert profiles, slots and bookings (docs/health.md)."""

from apps.health.graphql_types import GRAPHQL
from shared.app_graphql import read_function
from shared.declarations import Function, Layer, Route, Service, Subscription, Table

BASE = "/api/v1/apps/health"
TABLES = ("health",)
GATE = ("registry", "tenants")  # what the app's gate asks (apps/health/access.py)


def _route(method: str, path: str, status: int = 200) -> Route:
    return Route(method, BASE + path, status=status)


SERVICE = Service(
    name="health",
    layer=Layer.APPLICATION,
    package="apps",
    tables=(Table("health", indexes=1),),
    functions=(
        # --- readings ------------------------------------------------------------------------------
        Function(
            "readings-create",
            _route("POST", "/readings", 201),
            tables=TABLES,
            calls=GATE,
            publishes=True,  # health.alert
            kms=True,
            description="Record one reading of the caller, sealed at rest; out of range: health.alert.",
        ),
        Function(
            "readings-batch",
            _route("POST", "/readings/batch", 201),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            kms=True,
            timeout=29,
            memory=512,
            description="Record up to 500 readings, all or nothing (an invalid one is named by its index).",
        ),
        Function(
            "readings-list",
            _route("GET", "/readings"),
            tables=TABLES,
            calls=GATE,
            publishes=True,  # health.data_accessed
            kms=True,
            description="The caller's readings by type and range, or a granting owner's (audited).",
        ),
        Function(
            "grants-create",
            _route("POST", "/grants", 201),
            tables=TABLES,
            calls=GATE,
            publishes=True,  # health.access_granted
            description="Grant a verified expert of the caller's tenant read access until expiresAt.",
        ),
        Function(
            "grants-revoke",
            _route("DELETE", "/grants/{expertId}", 204),
            tables=TABLES,
            calls=GATE,
            description="Withdraw the caller's grant to an expert at once.",
        ),
        # --- analysis and reports ------------------------------------------------------------------
        Function(
            "analysis",
            _route("GET", "/analysis"),
            tables=TABLES,
            calls=GATE,
            kms=True,
            description="min, max, mean, trend and out-of-range count of the caller's readings of a period.",
        ),
        Function(
            "reports-create",
            _route("POST", "/reports", 202),
            tables=TABLES,
            calls=GATE,
            publishes=True,  # health.report_requested (the subscriber builds it)
            description="Ask for the caller's weekly report (JSON and PDF), built asynchronously.",
        ),
        Function(
            "reports-get",
            _route("GET", "/reports/{reportId}"),
            tables=TABLES,
            calls=GATE,
            bucket=True,
            description="One of the caller's reports: its status and, when ready, download URLs.",
        ),
        # --- experts and bookings ------------------------------------------------------------------
        Function(
            "experts-register",
            _route("POST", "/experts", 201),
            tables=TABLES,
            calls=GATE,
            description="Register the caller as an expert (pending until verified).",
        ),
        Function(
            "experts-list",
            _route("GET", "/experts"),
            tables=TABLES,
            calls=GATE,
            description="The tenant's experts (verified ones; every one for health.expert.verify).",
        ),
        Function(
            "experts-verify",
            _route("POST", "/experts/{expertId}/verify"),
            tables=TABLES,
            calls=GATE,
            description="Verify an expert's profile (health.expert.verify).",
        ),
        Function(
            "slots-create",
            _route("POST", "/experts/{expertId}/slots", 201),
            tables=TABLES,
            calls=GATE,
            description="Add an availability slot to the caller's own verified expert profile.",
        ),
        Function(
            "slots-list",
            _route("GET", "/experts/{expertId}/slots"),
            tables=TABLES,
            calls=GATE,
            description="An expert's slots, with whether each is booked.",
        ),
        Function(
            "bookings-create",
            _route("POST", "/bookings", 201),
            tables=TABLES,
            calls=GATE,
            description="Book a slot (a conditional write: a slot is never booked twice).",
        ),
        Function(
            "consultations-status",
            _route("POST", "/consultations/{consultationId}/status"),
            tables=TABLES,
            calls=GATE,
            description="Move a consultation (a booking) along booked, in_progress, completed or cancelled.",
        ),
        Function(
            "consultations-messages-send",
            _route("POST", "/consultations/{consultationId}/messages", 201),
            tables=TABLES,
            calls=GATE,
            publishes=True,  # realtime.push_requested: the message pushed to both participants
            description="Send a message in an open consultation (its member or its expert only).",
        ),
        Function(
            "consultations-messages-list",
            _route("GET", "/consultations/{consultationId}/messages"),
            tables=TABLES,
            calls=GATE,
            description="A consultation's messages, oldest first (its member or its expert only).",
        ),
        # --- courses -------------------------------------------------------------------------------
        Function(
            "courses-create",
            _route("POST", "/courses", 201),
            tables=TABLES,
            calls=GATE,
            description="Add a course to the tenant's catalog (health.course.write).",
        ),
        Function(
            "courses-list",
            _route("GET", "/courses"),
            tables=TABLES,
            calls=GATE,
            description="The tenant's course catalog.",
        ),
        Function(
            "courses-enroll",
            _route("POST", "/courses/{courseId}/enroll", 201),
            tables=TABLES,
            calls=GATE,
            description="Enrol the caller in a course (once).",
        ),
        # --- the app's queue -----------------------------------------------------------------------
        Function(
            "subscriber",
            # health.alert: the owner's in-app notification (notification pushes it in real time);
            # tenant.deleted: a deleted tenant's data leaves the app's table (docs/apps.md)
            Subscription(
                ("health.report_requested", "health.alert", "tenant.deleted"), visibility_timeout=120
            ),
            tables=TABLES,
            calls=(*GATE, "notification"),
            bucket=True,
            kms=True,
            timeout=60,
            memory=512,
            description="Weekly reports (JSON, PDF in S3); alerts to owners' inboxes; purge deleted tenants.",
        ),
        # --- GraphQL's reads of the app's types (graphql_types.py) ---------------------------------
        read_function(
            "health",
            tables=TABLES,
            calls=GATE,
            kms=True,  # readings are unsealed
            publishes=True,  # health.data_accessed: an expert's read of an owner's readings
        ),
    ),
    graphql=GRAPHQL,
)
