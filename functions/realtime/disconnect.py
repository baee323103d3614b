"""$disconnect — a closed connection: its rows and subscriptions go."""

from __future__ import annotations

from typing import Any

from functions.realtime import protocol
from functions.realtime.manifest import SERVICE
from functions.realtime.models import Outcome, SocketEvent
from functions.realtime.socket_app import SocketApp

app = SocketApp(SERVICE.function("disconnect"))
logger = app.logger


@app.on
def disconnect(event: SocketEvent) -> Outcome:
    return protocol.disconnect(event)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.handle(event, context)
