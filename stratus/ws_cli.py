"""`stratus ws`: connect to the platform's WebSocket (`GET /ws`), authenticate, subscribe, and print every
push as one JSON line — seed 001's protocol from a terminal, for debugging (docs/realtime.md).

    stratus ws                                  # as the platform admin of the running `stratus dev`
    stratus ws --as ada@acme.example@acme --subscribe attendance
    stratus ws --url wss://…/dev --token "$TOKEN" --tenant acme --count 1
    stratus ws --graphql 'subscription { notificationCreated { title } }'   # a GraphQL subscription

The user logs in through the gateway like any client (`stratus.config_cli.login`), unless `--token` is
given; a ping goes out every `--ping` seconds so idle timeouts never close the connection.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from stratus.config_cli import gateway_url, login


def register(sub: Any) -> None:
    ws = sub.add_parser("ws", help="connect to /ws, authenticate and print pushes (real-time debugging)")
    ws.add_argument("--gateway", help="the gateway URL (default: the running `stratus dev`'s)")
    ws.add_argument("--url", help="the WebSocket URL (default: the gateway's /ws; on AWS the stack output)")
    ws.add_argument(
        "--as", dest="as_user", metavar="EMAIL@TENANT", help="log in as this user (default: admin)"
    )
    ws.add_argument("--token", help="an access token instead of logging in (needs --tenant)")
    ws.add_argument("--tenant", help="the token's tenant (with --token)")
    ws.add_argument("--subscribe", action="append", default=[], metavar="CHANNEL", help="a channel (repeat)")
    ws.add_argument(
        "--graphql",
        action="append",
        default=[],
        metavar="DOCUMENT",
        help="a GraphQL subscription document (repeat; ids g1, g2...; docs/realtime.md)",
    )
    ws.add_argument("--count", type=int, help="stop after this many pushes")
    ws.add_argument("--timeout", type=float, help="stop after this many seconds without a push")
    ws.add_argument("--ping", type=float, default=30.0, help="seconds between pings (default 30)")
    ws.set_defaults(run=run)


def ws_url(gateway: str) -> str:
    return gateway.replace("https://", "wss://", 1).replace("http://", "ws://", 1) + "/ws"


def run(args: argparse.Namespace) -> int:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    if args.token:
        if not args.tenant:
            raise ValueError("--token needs --tenant")
        token, tenant = args.token, args.tenant
        url = args.url or ws_url(gateway_url(args.gateway))
    else:
        session = login(gateway_url(args.gateway), args.as_user)
        token, tenant = session.token, session.who.rpartition("@")[2]
        url = args.url or ws_url(session.gateway)
    printed = 0
    with connect(url) as ws:
        ws.send(json.dumps({"type": "auth", "token": token, "tenantId": tenant}))
        answer = json.loads(ws.recv(timeout=15))
        _show(answer)
        if answer.get("type") != "auth_success":
            return 1
        for channel in args.subscribe:
            ws.send(json.dumps({"type": "subscribe", "channel": channel}))
        for number, document in enumerate(args.graphql, start=1):
            ws.send(json.dumps({"type": "graphql_subscribe", "id": f"g{number}", "query": document}))
        last_push, last_ping = time.monotonic(), time.monotonic()
        while args.count is None or printed < args.count:
            now = time.monotonic()
            if args.timeout is not None and now - last_push >= args.timeout:
                return 0 if printed else 2
            if now - last_ping >= args.ping:
                ws.send(json.dumps({"type": "ping", "timestamp": int(time.time() * 1000)}))
                last_ping = now
            try:
                message = json.loads(ws.recv(timeout=1.0))
            except TimeoutError:
                continue
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                print(f"# closed by the server ({code})", file=sys.stderr)
                return 0
            _show(message)
            if message.get("type") not in ("pong", "subscribed", "unsubscribed", "graphql_subscribed"):
                printed += 1
                last_push = time.monotonic()
    return 0


def _show(message: Any) -> None:
    print(json.dumps(message, separators=(",", ":")), flush=True)
