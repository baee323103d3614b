"""`stratus dev --with-example`: the sample external app (`stratus app serve-example`, stratus/example_app.py)
started beside the platform, registered as its platform admin, deregistered when `stratus dev` stops — so
one command runs the registry, the in-repo apps (apps/, served by the gateway like every function) and an
external app that heartbeats and receives webhooks (docs/apps.md)."""

from __future__ import annotations

import os

from stratus.example_app import ExampleApp
from stratus.local import LocalPlatform


def start(platform: LocalPlatform) -> ExampleApp | None:
    """The sample app, registered with `platform`; None (and a log line) when it cannot register, e.g. its
    name is still held by the registration of a run that did not stop cleanly."""
    stored = platform.state.admin() if platform.state is not None else None
    email = os.environ.get("STRATUS_ADMIN_EMAIL") or (stored or {}).get("email")
    password = os.environ.get("STRATUS_ADMIN_PASSWORD") or (stored or {}).get("password")
    if not (email and password):
        platform.log("example app  not started: no platform admin password (STRATUS_ADMIN_PASSWORD)")
        return None
    app = ExampleApp(platform.url, email=email, password=password, log=platform.log)
    try:
        return app.start()
    except Exception as exc:  # the platform runs on without it; say why
        platform.log(f"example app  not started: {exc}")
        app.stop(deregister=False)
        return None
