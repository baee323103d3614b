"""Every in-repo app, in one list (the platform's services are in functions/catalog.py, which adds these).
`stratus new app NAME` adds its line here; tests/unit/functions/test_catalog.py checks that every
`apps/<name>/manifest.py` is listed."""

from __future__ import annotations

from apps.health.manifest import SERVICE as health
from apps.hello.manifest import SERVICE as hello
from apps.marketplace.manifest import SERVICE as marketplace
from shared.declarations import Service

APPS: tuple[Service, ...] = (
    hello,
    marketplace,
    health,
)
