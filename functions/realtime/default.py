"""$default — every client message: auth, ping, subscribe, unsubscribe (functions/realtime/protocol.py)."""

from __future__ import annotations

from typing import Any

from functions.realtime import protocol
from functions.realtime.manifest import SERVICE
from functions.realtime.models import Outcome, SocketEvent
from functions.realtime.socket_app import SocketApp

app = SocketApp(SERVICE.function("default"))
logger = app.logger


@app.on
def receive(event: SocketEvent) -> Outcome:
    return protocol.receive(event)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.handle(event, context)
