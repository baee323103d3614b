"""`python -m stratus.bench.live`: stages 5-6 of `stratus bench` alone — event fan-out and gateway load on a
fresh local platform with its queue pumps (`Bench(registry, pumps=True)`, as `stratus dev` runs it), with
the same sizes as the full run by default; a minute or two instead of the whole bench. Prints the figures
against issue 15's targets (fan-out p50 at most twice the emulator's own, ≥ 50 events/s, zero loss; ≥ 200
requests/s, zero errors) and the CPU each event and request cost this process."""

from __future__ import annotations

import argparse

from stratus.bench.fanout import FanoutReport
from stratus.bench.load import LoadReport

RATIO_TARGET = 2.0
EVENTS_TARGET = 50.0
REQUESTS_TARGET = 200.0


def render(fanned: FanoutReport, loaded: LoadReport) -> list[str]:
    def met(ok: bool) -> str:
        return "met" if ok else "not met"

    return [
        f"fan-out: `user.deleted` → all {fanned.subscribers} subscribers done, p50 {fanned.p50_ms:.0f} ms, "
        f"p99 {fanned.p99_ms:.0f} ms over {fanned.samples}; the emulator's own PutEvents → receive p50 "
        f"{fanned.emulator_p50_ms:.1f} ms → ratio {fanned.ratio:.1f} (≤ {RATIO_TARGET:g}: "
        f"{met(fanned.ratio <= RATIO_TARGET)})",
        f"sustained: {fanned.sustained_events} offered, {fanned.sustained_rate:.1f} events/s fully processed "
        f"(≥ {EVENTS_TARGET:g}: {met(fanned.sustained_rate >= EVENTS_TARGET)}), {fanned.lost} lost; "
        f"CPU {fanned.cpu_ms_per_event:.0f} ms per event",
        f"gateway: {loaded.workers} clients for {loaded.seconds:.0f} s `GET /users/me`, {loaded.rate:.0f} "
        f"requests/s (≥ {REQUESTS_TARGET:g}: {met(loaded.rate >= REQUESTS_TARGET)}), {loaded.errors} errors "
        f"of {loaded.requests}, p50 {loaded.p50_ms:.0f} ms, p99 {loaded.p99_ms:.0f} ms; CPU "
        f"{loaded.cpu_ms_per_request:.1f} ms per request",
    ]


def main(argv: list[str] | None = None) -> int:
    from functions.catalog import registry
    from stratus.bench import fanout, load
    from stratus.bench.runner import FULL
    from stratus.bench.workload import Bench, setup

    parser = argparse.ArgumentParser(prog="python -m stratus.bench.live")
    parser.add_argument("--samples", type=int, default=FULL.fanout_samples, help="single events timed")
    parser.add_argument("--rate", type=float, default=FULL.fanout_rate, help="events/s offered")
    parser.add_argument("--seconds", type=float, default=FULL.fanout_seconds, help="of offered events")
    parser.add_argument("--workers", type=int, default=FULL.load_workers, help="gateway clients")
    parser.add_argument("--load-seconds", type=float, default=FULL.load_seconds)
    args = parser.parse_args(argv)
    found = registry()
    bench = Bench(found, pumps=True).start()
    try:
        world = setup(bench)
        fanned = fanout.measure(
            found, samples=args.samples, rate=args.rate, seconds=args.seconds, progress=print
        )
        loaded = load.measure(
            bench.platform.url,
            world.member["accessToken"],
            workers=args.workers,
            seconds=args.load_seconds,
            progress=print,
        )
    finally:
        bench.stop()
    print("\n".join(render(fanned, loaded)))
    return 0 if fanned.lost == 0 and loaded.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
