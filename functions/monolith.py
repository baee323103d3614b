"""Monolith mode: every route in one WSGI app, on one Lambda through serverless-wsgi (or any WSGI server:
`gunicorn functions.monolith:app`)."""

from __future__ import annotations

from typing import Any

import serverless_wsgi

from functions.catalog import registry
from shared.adapters.gateway import Gateway
from shared.adapters.wsgi import WsgiApp

app = WsgiApp(Gateway(registry()))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return serverless_wsgi.handle_request(app, event, context)  # type: ignore[no-any-return]
