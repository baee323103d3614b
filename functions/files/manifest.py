"""files (application): presigned uploads into the tenant's prefix, verification, downloads, deletion and
the maintenance endpoints of the file jobs (docs/platform-services.md)."""

from shared.declarations import Auth, Function, Layer, Route, Schedule, Service, Subscription, Table

TABLES = ("files",)

SERVICE = Service(
    name="files",
    layer=Layer.APPLICATION,
    tables=(Table("files", indexes=3),),
    functions=(
        Function(
            "upload-request",
            Route("POST", "/api/v1/files/upload", status=201),
            tables=TABLES,
            calls=("rbac", "tenants"),
            publishes=True,
            bucket=True,
            reads_flags=True,  # the tenant's allowed content types (config center key `files`)
            description="Seed 000 scenario 3: permission, quota reservation, pending record, presigned POST.",
        ),
        Function(
            "complete",
            Route("POST", "/api/v1/files/{fileId}/complete"),
            tables=TABLES,
            calls=("tenants",),
            publishes=True,
            bucket=True,
            timeout=29,
            description="Verify the stored object (size, type, checksum, EICAR) and make the file available.",
        ),
        Function(
            "list", Route("GET", "/api/v1/files"), tables=TABLES, description="A folder, a page at a time."
        ),
        Function(
            "list-internal",
            Route("GET", "/internal/files"),
            tables=TABLES,
            description="A folder, a page at a time, for a service acting for a user (file.read).",
        ),
        Function("get", Route("GET", "/api/v1/files/{fileId}"), tables=TABLES, description="One file."),
        Function(
            "download",
            Route("GET", "/api/v1/files/{fileId}/download"),
            tables=TABLES,
            publishes=True,
            bucket=True,
            description="A presigned download URL for an available file.",
        ),
        Function(
            "delete",
            Route("DELETE", "/api/v1/files/{fileId}", status=204),
            tables=TABLES,
            calls=("tenants",),
            publishes=True,
            bucket=True,
            description="Delete a file and release its quota.",
        ),
        Function(
            "cleanup-temp-files",
            Route("POST", "/internal/maintenance/cleanup-temp-files", auth=Auth.SYSTEM),
            tables=TABLES,
            calls=("tenants",),
            bucket=True,
            timeout=29,
            description="Remove pending uploads older than `olderThan` and release their quota.",
        ),
        Function(
            "reconcile-storage",
            Route("POST", "/internal/maintenance/reconcile-storage", auth=Auth.SYSTEM),
            tables=TABLES,
            timeout=29,
            description="The bytes a tenant's file records hold (pending and available).",
        ),
        Function(
            "cleanup-job",
            Schedule("rate(1 day)"),
            calls=("auth", "files", "monitoring"),
            publishes=True,
            timeout=300,
            description="Temp-file cleanup: pending uploads older than 7 days, through cleanup-temp-files.",
        ),
        Function(
            "reconcile-job",
            Schedule("rate(1 day)"),
            calls=("auth", "files", "tenants", "monitoring"),
            publishes=True,
            timeout=300,
            description="Storage-quota reconciliation: each tenant's usage set to what its files hold.",
        ),
        # --- offboarding: the tenant export, and the purge of a deleted tenant (docs/identity.md) ---------
        Function(
            "export-request",
            Route("POST", "/api/v1/tenants/{tenantId}/export", status=202),
            tables=TABLES,
            calls=("tenants",),
            publishes=True,
            description="Ask for an archive of a tenant's data (tenant or platform admin); built async.",
        ),
        Function(
            "export-get",
            Route("GET", "/api/v1/tenants/{tenantId}/exports/{exportId}"),
            tables=TABLES,
            bucket=True,
            description="An export's status and progress, and a presigned link to the archive once built.",
        ),
        Function(
            "subscriber",
            Subscription(
                ("tenant.export_requested", "tenant.deleting"), batch_size=1, visibility_timeout=960
            ),
            tables=TABLES,
            calls=("users", "rbac", "audit", "notification"),
            publishes=True,
            bucket=True,
            timeout=900,
            memory=1024,
            description="Build tenant exports (a zip in the bucket); purge deleted tenants' data.",
        ),
    ),
)
