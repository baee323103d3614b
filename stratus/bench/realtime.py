"""Real-time push (issue 18), through the running local platform and real WebSocket clients on `/ws`:

- notification → pushed: a member changes their password; notification puts the "password changed" item in
  the inbox (and stages notification.created with it); the bus, the realtime queue's pump, the realtime
  subscriber and the management API stand-in bring it to the member's open connection. Measured from the
  item's `createdAt` (stamped by notification when it writes the item) to the frame's arrival.
- fan-out: `connections` connections of one tenant subscribe to a channel (plus a few of another tenant on
  a channel of the same name); each `POST /api/v1/realtime/publish` is timed to the last delivery. Every
  connection must get every message exactly once, and the other tenant none (lost, misdelivered).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stratus.bench.latency import median, p
from stratus.bench.workload import PASSWORD, Bench, World

CHANNEL = "bench"
OTHER_TENANT = "bench-rt-other"
OTHER_CONNECTIONS = 20


@dataclass(frozen=True)
class RealtimeReport:
    notification_samples: int
    notification_p50_ms: float
    notification_p99_ms: float
    connections: int
    connect_seconds: float  # opening and authenticating every connection
    publishes: int
    fanout_p50_ms: float  # publish → the last of `connections` deliveries
    fanout_max_ms: float
    lost: int
    misdelivered: int


def measure(
    bench: Bench,
    world: World,
    *,
    samples: int,
    connections: int,
    publishes: int,
    progress: Callable[[str], None],
) -> RealtimeReport:
    url = bench.platform.url.replace("http://", "ws://") + "/ws"
    progress(f"   real-time: {samples} notifications pushed")
    pushed = _notifications(bench, world, url, samples)
    progress(f"   real-time: fan-out to {connections} connections, {publishes} publishes")
    fanout = _Fanout(bench, world, url, connections, publishes)
    fanout.progress = progress
    fan = fanout.run()
    return RealtimeReport(
        notification_samples=len(pushed),
        notification_p50_ms=median(pushed),
        notification_p99_ms=p(pushed, 99),
        connections=connections,
        connect_seconds=fan["connect_seconds"],
        publishes=publishes,
        fanout_p50_ms=median(fan["last_ms"]),
        fanout_max_ms=max(fan["last_ms"]),
        lost=fan["lost"],
        misdelivered=fan["misdelivered"],
    )


def _notifications(bench: Bench, world: World, url: str, samples: int) -> list[float]:
    from websockets.sync.client import connect

    token, tenant = world.member["accessToken"], world.member["user"]["tenantId"]
    latencies: list[float] = []
    password = PASSWORD
    with connect(url) as ws:
        ws.send(json.dumps({"type": "auth", "token": token, "tenantId": tenant}))
        assert json.loads(ws.recv(timeout=10))["type"] == "auth_success"
        for n in range(samples):
            new = f"bench-rotated-password-{n}"
            bench.data(
                bench.call(
                    "POST",
                    "/api/v1/auth/change-password",
                    {"currentPassword": password, "newPassword": new},
                    token=token,
                )
            )
            password = new
            while True:
                message = json.loads(ws.recv(timeout=30))
                if message.get("type") == "notification":
                    break
            arrived = time.time()
            created = datetime.fromisoformat(message["data"]["createdAt"].replace("Z", "+00:00")).timestamp()
            latencies.append((arrived - created) * 1000)
    return latencies


class _Fanout:
    """Every client connection on one asyncio loop (its own thread), as a browser tab each."""

    def __init__(self, bench: Bench, world: World, url: str, connections: int, publishes: int) -> None:
        self.bench, self.world, self.url = bench, world, url
        self.connections, self.publishes = connections, publishes
        self.received: dict[int, list[tuple[float, dict[str, Any]]]] = {}
        self.other_received = 0
        self.lock = threading.Lock()
        self.opened = 0
        self.counts: dict[int, int] = {}
        self.last: dict[int, float] = {}
        self.complete: dict[int, threading.Event] = {}
        self.progress: Callable[[str], None] = lambda _line: None

    def run(self) -> dict[str, Any]:
        other_admin = self._other_tenant()
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        done = threading.Event()
        outcome: dict[str, Any] = {}

        async def main() -> None:
            began = time.monotonic()
            gate = asyncio.Semaphore(8)
            tenant = self.world.member["user"]["tenantId"]
            own = [self._client(i, self.world.admin, tenant, gate) for i in range(self.connections)]
            other = [self._client(-1 - i, other_admin, OTHER_TENANT, gate) for i in range(OTHER_CONNECTIONS)]
            clients = await asyncio.gather(*(asyncio.create_task(c) for c in [*own, *other]))
            outcome["connect_seconds"] = time.monotonic() - began
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.05)
            for ws in clients:
                await ws.close()

        thread = threading.Thread(
            target=loop.run_until_complete, args=(main(),), name="bench-ws", daemon=True
        )
        thread.start()
        if not ready.wait(timeout=900):
            raise RuntimeError("the fan-out connections did not open in time")
        last_ms: list[float] = []
        for n in range(self.publishes):
            sent = time.time()
            reply = self.bench.data(
                self.bench.call(
                    "POST",
                    "/api/v1/realtime/publish",
                    {"channel": CHANNEL, "type": "bench_update", "data": {"n": n}},
                    token=self.world.admin,
                )
            )
            self.complete.setdefault(n, threading.Event()).wait(timeout=60)
            with self.lock:
                last = self.last.get(n, time.time())
            last_ms.append((last - sent) * 1000)
            if reply["delivered"] != self.connections:
                outcome.setdefault("short", []).append(reply["delivered"])
        time.sleep(0.5)  # anything late or stray arrives now
        done.set()
        thread.join(timeout=60)
        expected = {n for n in range(self.publishes)}
        lost = sum(len(expected - {m["data"]["n"] for _, m in got}) for got in self.received.values())
        lost += (self.connections - len(self.received)) * self.publishes
        duplicates = sum(len(got) - len({m["data"]["n"] for _, m in got}) for got in self.received.values())
        wrong = sum(1 for got in self.received.values() for _, m in got if m.get("tenantId") != self._tenant)
        return {
            "connect_seconds": outcome["connect_seconds"],
            "last_ms": last_ms,
            "lost": lost,
            "misdelivered": self.other_received + duplicates + wrong,
        }

    @property
    def _tenant(self) -> str:
        return str(self.world.member["user"]["tenantId"])

    def _other_tenant(self) -> str:
        root = self.world.root
        self.bench.call(
            "POST",
            "/api/v1/tenants",
            {
                "tenantId": OTHER_TENANT,
                "name": "Other",
                "plan": "premium",
                "adminEmail": f"admin@{OTHER_TENANT}.example",
                "adminPassword": PASSWORD,
            },
            token=root,
        )
        return str(self.bench.login(f"admin@{OTHER_TENANT}.example", PASSWORD, OTHER_TENANT)["accessToken"])

    async def _client(self, index: int, token: str, tenant: str, gate: asyncio.Semaphore) -> Any:
        from websockets.asyncio.client import connect

        async with gate:
            ws = await connect(self.url, max_size=None, open_timeout=60)
            await ws.send(json.dumps({"type": "auth", "token": token, "tenantId": tenant}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if answer.get("type") != "auth_success":
                raise RuntimeError(f"fan-out connection refused: {answer}")
            await ws.send(json.dumps({"type": "subscribe", "channel": CHANNEL}))
            json.loads(await asyncio.wait_for(ws.recv(), 60))
            self.opened += 1
            if self.opened % 100 == 0:
                self.progress(f"   real-time: {self.opened} connections open")
        asyncio.get_running_loop().create_task(self._listen(index, ws))
        return ws

    async def _listen(self, index: int, ws: Any) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message.get("channel") != CHANNEL:
                continue
            with self.lock:
                if index < 0:
                    self.other_received += 1
                else:
                    arrived = time.time()
                    self.received.setdefault(index, []).append((arrived, message))
                    n = message["data"]["n"]
                    self.counts[n] = self.counts.get(n, 0) + 1
                    self.last[n] = arrived
                    if self.counts[n] == self.connections:
                        self.complete.setdefault(n, threading.Event()).set()


def render(r: RealtimeReport | None) -> list[str]:
    if r is None:
        return []
    return [
        "## Real-time push (WebSocket `/ws`)",
        "",
        f"Notification created → pushed to the member's open connection ({r.notification_samples} password "
        f"changes; from the inbox item's `createdAt` to the frame's arrival, through the bus, the realtime "
        f"queue's pump, the subscriber and the management API stand-in): "
        f"**p50 {r.notification_p50_ms:.0f} ms, p99 {r.notification_p99_ms:.0f} ms**.",
        "",
        f"Fan-out to **{r.connections:,} connections** of one tenant (opened and authenticated in "
        f"{r.connect_seconds:.1f} s; {OTHER_CONNECTIONS} connections of another tenant on a channel of the "
        f"same name): `POST /api/v1/realtime/publish` → the last delivery "
        f"**p50 {r.fanout_p50_ms:.0f} ms, max {r.fanout_max_ms:.0f} ms** over {r.publishes} publishes; "
        f"**{r.lost} lost, {r.misdelivered} "
        "misdelivered** (duplicates, another tenant's connection, a wrong tenant in the message).",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    """`python -m stratus.bench.realtime [--connections 1000] [--samples 30] [--publishes 10]`: this stage
    alone, on a fresh local platform (`stratus bench` runs it with the rest)."""
    import argparse

    from functions.catalog import registry
    from stratus.bench.workload import setup

    parser = argparse.ArgumentParser(prog="python -m stratus.bench.realtime")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--publishes", type=int, default=10)
    args = parser.parse_args(argv)
    bench = Bench(registry(), pumps=True).start()
    try:
        world = setup(bench)
        report = measure(
            bench,
            world,
            samples=args.samples,
            connections=args.connections,
            publishes=args.publishes,
            progress=print,
        )
    finally:
        bench.stop()
    print("\n".join(render(report)))
    return 0 if report.lost == 0 and report.misdelivered == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
