"""`stratus bench [--quick]`: every benchmark of issue 7 in one run, printed and written as markdown.

The full run takes several minutes (100,000 users are loaded) and is run on demand, never in CI;
`--quick` runs every stage on a tiny scale in under a minute, so a test keeps the benchmark from rotting.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shared.registry import Registry
from stratus.bench import apps as app_bench
from stratus.bench import coldstart, fanout, instruments, latency, load, scale, shipped
from stratus.bench import flags as flag_bench
from stratus.bench import graphql as graphql_bench
from stratus.bench import health as health_bench
from stratus.bench import marketplace as marketplace_bench
from stratus.bench import realtime as realtime_bench
from stratus.bench.operations import operations
from stratus.bench.report import render
from stratus.bench.workload import Bench, setup


@dataclass(frozen=True)
class Sizes:
    cold_runs: int
    cold_names: tuple[str, ...] | None  # None: every function
    rounds: int
    tenants: int
    users_per_tenant: int
    scale_rounds: int
    fanout_samples: int
    fanout_rate: float
    fanout_seconds: float
    load_workers: int
    load_seconds: float
    flag_evaluations: int


FULL = Sizes(10, None, 20, 100, 1000, 30, 30, 100.0, 5.0, 8, 15.0, 100_000)
QUICK = Sizes(
    1,
    ("users-me", "files-upload-request", "notification-subscriber"),
    2,
    2,
    20,
    3,
    3,
    5.0,
    2.0,
    2,
    2.0,
    2_000,
)


@dataclass(frozen=True)
class Results:
    command: str
    started: str
    seconds: float
    machine: str
    quick: bool
    cold: coldstart.ColdStartReport
    warm: latency.LatencyReport
    scale: scale.ScaleReport
    fanout: fanout.FanoutReport
    load: load.LoadReport
    flags: flag_bench.FlagBench
    apps: app_bench.AppsReport | None = None  # API keys, the app proxy, webhooks (issue 16)
    realtime: realtime_bench.RealtimeReport | None = None  # WebSocket push (issue 18)
    marketplace: marketplace_bench.MarketplaceReport | None = None  # saga, stock race, search (issue 19)
    graphql: graphql_bench.GraphQLReport | None = None  # the GraphQL read API (issue 20)
    health: health_bench.HealthReport | None = None  # reading ingest, batches of 500 (issue 20)


def run(registry: Registry, *, quick: bool, command: str, progress: Callable[[str], None]) -> Results:
    sizes = QUICK if quick else FULL
    began, started = time.monotonic(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    progress("1/7 cold start (fresh interpreters)")
    cold = coldstart.measure(
        registry,
        runs=sizes.cold_runs,
        names=sizes.cold_names,
        progress=progress,
        shipped=None if quick else _shipped(progress),
    )
    instruments.install(registry)

    progress("2-4/7 warm latency, calls per operation, scale (platform without queue pumps)")
    quiet = Bench(registry, pumps=False).start()
    try:
        world = setup(quiet)
        warm = latency.measure(registry, operations(quiet, world), rounds=sizes.rounds, progress=progress)
        scaled = scale.measure(
            quiet,
            world.root,
            tenants=sizes.tenants,
            users_per_tenant=sizes.users_per_tenant,
            rounds=sizes.scale_rounds,
            progress=progress,
        )
        graphed = graphql_bench.measure(
            quiet,
            world,
            samples=sizes.rounds * 3 if quick else 50,
            cold_runs=sizes.cold_runs,
            extra_users=3 if quick else 48,
            progress=progress,
        )
    finally:
        quiet.stop()

    progress("5-6/7 event fan-out and gateway load (the whole platform, as `stratus dev` runs it)")
    live = Bench(registry, pumps=True).start()
    try:
        world = setup(live)
        fanned = fanout.measure(
            registry,
            samples=sizes.fanout_samples,
            rate=sizes.fanout_rate,
            seconds=sizes.fanout_seconds,
            progress=progress,
        )
        loaded = load.measure(
            live.platform.url,
            world.member["accessToken"],
            workers=sizes.load_workers,
            seconds=sizes.load_seconds,
            progress=progress,
        )
        apps = app_bench.measure(live, world, samples=sizes.fanout_samples, progress=progress)
        pushed = realtime_bench.measure(
            live,
            world,
            samples=sizes.fanout_samples,
            connections=50 if quick else 1000,
            publishes=3 if quick else 10,
            progress=progress,
        )
    finally:
        live.stop()
    progress("7/7 feature flags: a cached evaluation (in-process moto)")
    flagged = flag_bench.measure(sizes.flag_evaluations)
    progress("marketplace: the order saga, the stock race, search on 100k products (docs/marketplace.md)")
    market = marketplace_bench.measure(quick=quick)
    progress("health: reading ingest, batches of 500 through `stratus dev` (docs/health.md)")
    ingest = health_bench.measure(batches=3 if quick else 10)
    return Results(
        command=command,
        started=started,
        seconds=time.monotonic() - began,
        machine=machine(),
        quick=quick,
        cold=cold,
        warm=warm,
        scale=scaled,
        fanout=fanned,
        load=loaded,
        flags=flagged,
        apps=apps,
        realtime=pushed,
        marketplace=market,
        graphql=graphed,
        health=ingest,
    )


def _shipped(progress: Callable[[str], None]) -> shipped.Shipped | None:
    """The packaged artifacts, unpacked; None (and the report says so) when they cannot be prepared here."""
    try:
        return shipped.prepare(Path(__file__).resolve().parents[2] / "build", log=progress)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        progress(
            f"cold start: the artifacts could not be prepared, the repository is measured instead: {exc}"
        )
        return None


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {total_kib / 1024 / 1024:.0f} GiB"
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.machine()} ({cpu}), {os.cpu_count()} cores{memory}; "
        f"Python {sys.version.split()[0]}"
    )


def write(results: Results, out: Path | None) -> str:
    text = render(results)
    if out is not None:
        out.write_text(text)
    return text
