"""The internal routes of files as typed calls (`FilesClient`), with their request and response models.

Other services call files only through this module. It imports nothing of files but its manifest and
models (no handler, no store), so a caller's cold start does not load files's code."""

from __future__ import annotations

from functions.files.manifest import SERVICE
from functions.files.models import (
    CleanupRequest,
    CleanupResult,
    ReconcileRequest,
    StorageHeld,
)
from shared.typed_client import TypedClient

__all__ = ["CleanupRequest", "CleanupResult", "FilesClient", "ReconcileRequest", "StorageHeld"]


class FilesClient(TypedClient):
    """One method per internal route of functions/files/manifest.py, named after its function."""

    callee = SERVICE

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
