"""$connect — a new WebSocket connection, pending until its `auth` message (realtime/protocol.py)."""

from __future__ import annotations

from typing import Any

from functions.realtime import protocol
from functions.realtime.manifest import SERVICE
from functions.realtime.models import Outcome, SocketEvent
from functions.realtime.socket_app import SocketApp

app = SocketApp(SERVICE.function("connect"))
logger = app.logger


@app.on
def connect(event: SocketEvent) -> Outcome:
    return protocol.connect(event)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.handle(event, context)
