"""Monolith mode: every route in one WSGI app, on one Lambda through serverless-wsgi (or any WSGI server:
`gunicorn functions.monolith:app`)."""

from __future__ import annotations

from typing import Any

import serverless_wsgi

from functions.catalog import registry
from shared import service_client
from shared.adapters.gateway import Gateway
from shared.adapters.wsgi import WsgiApp
from shared.config import settings
from shared.transports import InProcessTransport

app = WsgiApp(Gateway(registry()))
if settings().internal_transport == "inprocess":
    # Every route's handler is here: internal calls stay in this function (none is on the HTTP API).
    service_client.set_default_transport(InProcessTransport(registry()))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return serverless_wsgi.handle_request(app, event, context)  # type: ignore[no-any-return]
