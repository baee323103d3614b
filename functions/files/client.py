"""The internal routes of files as typed calls (`FilesClient`), with their request and response models.

Other services call files only through this module. It imports nothing of files but its manifest and
models (no handler, no store), so a caller's cold start does not load files's code."""

from __future__ import annotations

from functions.files.listing_models import FileListing
from functions.files.manifest import SERVICE
from functions.files.models import (
    CleanupRequest,
    CleanupResult,
    ReconcileRequest,
    StorageHeld,
)
from shared.typed_client import TypedClient

__all__ = ["CleanupRequest", "CleanupResult", "FileListing", "FilesClient", "ReconcileRequest", "StorageHeld"]


class FilesClient(TypedClient):
    """One method per internal route of functions/files/manifest.py, named after its function."""

    callee = SERVICE

    def list_internal(
        self, *, folder: str | None = None, page_size: int = 20, cursor: str | None = None
    ) -> FileListing:
        """`GET /internal/files`: a folder, a page at a time, for a service acting for a user (file.read).

        Handled by functions/files/list_internal.py."""
        query = {"folder": folder, "pageSize": page_size, "cursor": cursor}
        return self._send("list-internal", FileListing, query=query)

    def cleanup_temp_files(self, body: CleanupRequest, *, system_token: str) -> CleanupResult:
        """`POST /internal/maintenance/cleanup-temp-files`: remove pending uploads older than
        `olderThan` and release their quota.

        Handled by functions/files/cleanup_temp_files.py."""
        return self._send("cleanup-temp-files", CleanupResult, body, system_token=system_token)

    def reconcile_storage(self, body: ReconcileRequest, *, system_token: str) -> StorageHeld:
        """`POST /internal/maintenance/reconcile-storage`: the bytes a tenant's file records hold
        (pending and available).

        Handled by functions/files/reconcile_storage.py."""
        return self._send("reconcile-storage", StorageHeld, body, system_token=system_token)
