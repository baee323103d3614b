"""Every in-repo app, in one list (the platform's services are in functions/catalog.py, which adds these)."""

from __future__ import annotations

from shared.declarations import Service

APPS: tuple[Service, ...] = ()
