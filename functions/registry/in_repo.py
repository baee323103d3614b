"""In-repo apps (`apps/<name>/`, docs/apps.md): registered by the deployment, always active.

The registry never imports `apps` (the platform does not depend on its apps). `stratus generate` writes
`in_repo_apps.json` beside this module from the catalog's application services (`package="apps"`), and the
code package ships it, so the deployed registry knows exactly the apps deployed with it: no registration
call, no heartbeat. A drift test keeps the file equal to the catalog.

An in-repo app's id is derived from its name (`svc_` + 32 hex of SHA-256 of `in-repo:<name>`): stable
across deployments, so a tenant's enablement survives a redeploy, and in the same shape as an external
app's id, so every `/registry/services/{serviceId}` route takes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from shared.declarations import Auth, Route, Service, Subscription

FILE = Path(__file__).with_name("in_repo_apps.json")
RELATIVE = "functions/registry/in_repo_apps.json"
PACKAGE = "apps"
MARK = "Generated from the catalog by `stratus generate`. Do not edit: edit apps/<name>/manifest.py."


@dataclass(frozen=True)
class InRepoApp:
    name: str
    display_name: str
    version: str
    endpoints: tuple[dict[str, Any], ...]  # {method, path (under /api/v1/apps/<name>), public}
    events: tuple[str, ...]  # what its subscriber listens to

    @property
    def service_id(self) -> str:
        return service_id(self.name)


def service_id(name: str) -> str:
    return "svc_" + hashlib.sha256(f"in-repo:{name}".encode()).hexdigest()[:32]


@cache
def apps() -> dict[str, InRepoApp]:
    """The deployed in-repo apps by name (empty when the file is absent: a deployment without apps)."""
    if not FILE.is_file():
        return {}
    listed = json.loads(FILE.read_text())["apps"]
    return {
        a["name"]: InRepoApp(
            name=a["name"],
            display_name=a["displayName"],
            version=a["version"],
            endpoints=tuple(a["endpoints"]),
            events=tuple(a["events"]),
        )
        for a in listed
    }


def by_name(name: str) -> InRepoApp | None:
    return apps().get(name)


def by_id(service_id_: str) -> InRepoApp | None:
    return next((a for a in apps().values() if a.service_id == service_id_), None)


# --- generation (stratus generate) ------------------------------------------------------------------------
def describe(service: Service, version: str) -> dict[str, Any]:
    prefix = f"/api/v1/apps/{service.name}"
    endpoints = [
        {
            "method": fn.route.method,
            "path": fn.route.path[len(prefix) :] or "/",
            "public": fn.route.auth is Auth.PUBLIC,
        }
        for fn in service.functions
        if isinstance(fn.trigger, Route) and fn.route.path.startswith(prefix)
    ]
    events = sorted(
        {e for fn in service.functions if isinstance(fn.trigger, Subscription) for e in fn.trigger.events}
    )
    return {
        "name": service.name,
        "displayName": service.name.replace("-", " ").title(),
        "version": version,
        "endpoints": sorted(endpoints, key=lambda e: (e["path"], e["method"])),
        "events": events,
    }


def document(services: Iterable[Service]) -> str:
    version = _version()
    listed = [describe(s, version) for s in sorted(services, key=lambda s: s.name) if s.package == PACKAGE]
    return json.dumps({"//": MARK, "apps": listed}, indent=2) + "\n"


def _version() -> str:
    try:
        return metadata.version("stratus")
    except metadata.PackageNotFoundError:  # a source checkout that was never installed
        return "0.0.0"


def files(services: Iterable[Service]) -> dict[str, str]:
    """For `stratus generate`: the file the deployed registry reads."""
    return {RELATIVE: document(services)}
