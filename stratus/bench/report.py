# ruff: noqa: E501, RUF001 - a markdown template: a table row per line reads best, with its own typography
"""The markdown of a benchmark run: the targets first, then each stage's figures."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from shared.declarations import Layer
from stratus.bench import apps as app_bench
from stratus.bench import budgets
from stratus.bench import graphql as graphql_bench
from stratus.bench import health as health_bench
from stratus.bench import marketplace as marketplace_bench
from stratus.bench import realtime as realtime_bench
from stratus.bench.latency import BUDGET_MS, by_layer, median, p

if TYPE_CHECKING:
    from stratus.bench.runner import Results

COLD_TARGET = 1.3
SCALE_TARGET = 1.2


def _services(calls: Counter[str]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for name, n in calls.items():
        out[name.split(":", 1)[0]] += n
    return dict(out)


def _yes(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(r: Results) -> str:
    lines: list[str] = []
    add = lines.append
    scans = sum(n for op in r.warm.ops for name, n in op.calls.items() if name.endswith(":Scan"))
    over_budget = [f for f in r.warm.functions if median(f.own) > BUDGET_MS[f.layer]]
    add("# Benchmarks")
    add("")
    add(
        f"`{r.command}` — {r.started}, {r.seconds:.0f} s{' (quick: tiny sizes, figures not meaningful)' if r.quick else ''}."
    )
    add(
        f"Machine: {r.machine}. One run; the machine is shared, so read medians and ratios, not single values."
    )
    add(
        "Everything runs in one process against an embedded moto server over loopback HTTP (`stratus dev`'s setup)."
    )
    add("")
    add("## Targets")
    add("")
    add("| target | measured | met |")
    add("|---|---|---|")
    worst = r.cold.worst
    add(
        f"| every function's cold start ≤ {COLD_TARGET}× the boto3 baseline | worst {worst.name} {worst.ratio:.2f}× | {_yes(worst.ratio <= COLD_TARGET)} |"
    )
    frameworks = sorted({m for f in r.cold.functions for m in f.frameworks})
    add(
        f"| no web framework imported on the Lambda path | {', '.join(frameworks) or 'none'} | {_yes(not frameworks)} |"
    )
    add(
        f"| own time within the layer budget (p50) | {len(r.warm.functions) - len(over_budget)}/{len(r.warm.functions)} functions | {_yes(not over_budget)} |"
    )
    add(f"| Scan calls on request paths | {scans} | {_yes(scans == 0)} |")
    add(
        f"| login at 100k users ÷ at 1k (p50) ≤ {SCALE_TARGET} | {r.scale.login_ratio:.2f} | {_yes(r.scale.login_ratio <= SCALE_TARGET)} |"
    )
    add(
        f"| first page of users at 100k ÷ at 1k (p50) ≤ {SCALE_TARGET} | {r.scale.list_ratio:.2f} | {_yes(r.scale.list_ratio <= SCALE_TARGET)} |"
    )
    add(
        f"| event fan-out: zero loss | {r.fanout.lost} lost of {r.fanout.sustained_events} | {_yes(r.fanout.lost == 0)} |"
    )
    add(f"| gateway load: zero errors | {r.load.errors} of {r.load.requests} | {_yes(r.load.errors == 0)} |")
    add("")

    add("## 1. Cold start")
    add("")
    peer = (
        f"Peer: the same `GET /users/me` as FastAPI + Mangum = **{r.cold.peer_ms:.0f} ms "
        f"({r.cold.peer_ratio:.2f}×)**, on the repository's interpreter."
        if r.cold.peer_ms is not None and r.cold.peer_ratio is not None
        else "The FastAPI + Mangum peer is not measured as shipped (no artifact of it)."
    )
    add(
        f"What was imported: {r.cold.what}. Import + init of each handler module and the first invocation's "
        f"DynamoDB client, in a fresh interpreter (interpreter start-up excluded); {r.cold.runs} runs per "
        f"function, each paired with a baseline sample taken just before it: `import boto3; "
        f"boto3.client('dynamodb')` = **{r.cold.baseline_ms:.0f} ms** (median); × baseline is the median of "
        f"the pairs' ratios. {peer}"
    )
    add("")
    add("| function | ms | × baseline | web frameworks |")
    add("|---|---:|---:|---|")
    for f in sorted(r.cold.functions, key=lambda f: -f.ratio):
        add(f"| {f.name} | {f.median_ms:.0f} | {f.ratio:.2f} | {', '.join(f.frameworks) or '—'} |")
    add("")

    add("## Calls per operation: budgets")
    add("")
    add(
        "Held by tests/integration/test_call_budgets.py (one run of each, a fresh session each, on the "
        "platform as `stratus dev` runs it); the budgets and reasons live in stratus/bench/budgets.py."
    )
    add("")
    for line in budgets.explained():
        add(line)
    add("")

    add("## 2-3. Warm latency and calls per operation")
    add("")
    add(
        f"Public operations through the in-process gateway (authorizer included); internal endpoints through "
        f"the service client; jobs as their schedule fires them. Warm, {r.warm.rounds} runs each, what an "
        "operation needs (a session to end, an uploaded file) prepared outside the timing. "
        "AWS = wall-clock time with an AWS call to the emulator in flight (loopback HTTP + moto). Hops = "
        "invocations of internal routes (a Lambda invocation each on AWS), timed in-process here. Calls are counted by "
        "botocore's `before-call`/`after-call` hooks over the whole call tree of the operation."
    )
    add("")
    add(
        "| operation | p50 ms | p99 ms | AWS p50 ms | hops | in hops p50 ms | DynamoDB | EventBridge | SQS | S3 | other | Scan | errors |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for op in r.warm.ops:
        per = _services(op.calls)
        other = sum(n for s, n in per.items() if s not in ("dynamodb", "eventbridge", "sqs", "s3"))
        scan = sum(n for name, n in op.calls.items() if name.endswith(":Scan"))
        add(
            f"| {op.name} | {median(op.totals):.1f} | {p(op.totals, 0.99):.1f} | {median(op.aws):.1f} | "
            f"{op.hops} | {median(op.hop_ms):.1f} | "
            f"{per.get('dynamodb', 0)} | {per.get('eventbridge', 0)} | {per.get('sqs', 0)} | {per.get('s3', 0)} | "
            f"{other} | {scan} | {op.errors} |"
        )
    add("")
    add(
        f"Password hashing (argon2id, OWASP parameters) on its own: hash **{r.warm.hashing_ms:.0f} ms**, "
        f"verify **{r.warm.verify_ms:.0f} ms** — inside register, login and change-password."
    )
    add("")
    add("### Per function, by seed 000 layer")
    add("")
    add(
        "Own = total − AWS (wall clock: calls in flight at once count once) − the functions it called, argon2's hashing included (what the layer budget bounds; DESIGN §6: warm, excluding the network to the cloud service); the argon2 column shows how much of it that is."
    )
    add("")
    grouped = by_layer(r.warm.functions)
    for layer in (Layer.INFRASTRUCTURE, Layer.CORE, Layer.BUSINESS, Layer.APPLICATION):
        found = grouped.get(layer, [])
        if not found:
            continue
        budget = BUDGET_MS[layer]
        add(f"**{layer.name.lower()}** — budget {budget} ms")
        add("")
        add("| function | runs | total p50 | total p99 | AWS p50 | argon2 p50 | own p50 | own p99 | within |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for g in found:
            add(
                f"| {g.name} | {len(g.totals)} | {median(g.totals):.1f} | {p(g.totals, 0.99):.1f} | "
                f"{median(g.aws):.1f} | {median(g.hashing):.1f} | {median(g.own):.1f} | {p(g.own, 0.99):.1f} | {_yes(median(g.own) <= budget)} |"
            )
        add("")
    if r.warm.not_exercised:
        add(f"Routes not exercised: {', '.join(r.warm.not_exercised)}.")
        add("")

    s = r.scale
    add("## 4. Scale")
    add("")
    add(
        f"{s.large.tenants} tenants × {s.large.users // max(1, s.large.tenants):,} users loaded in {s.load_seconds:.0f} s "
        f"(tenants and admins through the API, members in bulk); peak RSS of the run (platform and emulator in "
        f"one process) {s.peak_rss_mb:,.0f} MiB. Login and first page are measured in the same tenant "
        f"({s.large.users // max(1, s.large.tenants):,} users), first with only its members loaded (and the other "
        "tenants' admins), then with every tenant's."
    )
    add("")
    add("| users | login p50 | login p99 | first page p50 | first page p99 |")
    add("|---:|---:|---:|---:|---:|")
    for point in (s.small, s.large):
        add(
            f"| {point.users:,} | {point.login_p50:.1f} | {point.login_p99:.1f} | {point.list_p50:.1f} | {point.list_p99:.1f} |"
        )
    add(f"| ratio | {s.login_ratio:.2f} | | {s.list_ratio:.2f} | |")
    add("")

    fo = r.fanout
    add("## 5. Event fan-out")
    add("")
    add(
        f"`user.deleted` published → all {fo.subscribers} subscribers done (bus → rule → queue → pump → function): "
        f"p50 **{fo.p50_ms:.0f} ms**, p99 {fo.p99_ms:.0f} ms over {fo.samples} events. The emulator alone "
        f"(PutEvents → long-polled ReceiveMessage on a bare queue): p50 {fo.emulator_p50_ms:.0f} ms, p99 {fo.emulator_p99_ms:.0f} ms."
    )
    add(
        f"Sustained: {fo.sustained_events} events offered over {fo.sustained_seconds:.1f} s → "
        f"**{fo.sustained_rate:.1f} events/s** fully processed by every subscriber, {fo.lost} lost; "
        f"{fo.cpu_ms_per_event:.0f} ms of CPU per event (this process: platform, emulator and publishers)."
    )
    add("")

    ld = r.load
    add("## 6. Gateway load")
    add("")
    add(
        f"{ld.workers} concurrent clients for {ld.seconds:.0f} s over HTTP on 127.0.0.1, `GET /users/me` "
        f"(authorizer + one read): **{ld.rate:.0f} requests/s**, {ld.errors} errors of {ld.requests}, "
        f"p50 {ld.p50_ms:.0f} ms, p99 {ld.p99_ms:.0f} ms; {ld.cpu_ms_per_request:.1f} ms of CPU per request "
        "(this process: gateway, functions, emulator and clients)."
    )
    if ld.error_samples:
        add("")
        add("Error samples: " + "; ".join(f"`{e}`" for e in ld.error_samples))
    add("")
    fl = r.flags
    add("## 7. Feature flags")
    add("")
    add(
        f"`flags.enabled(...)` from the container's cache: **{fl.us_per_evaluation:.1f} µs** per evaluation "
        f"(median of its rounds, best {fl.us_min:.1f} µs) over {fl.evaluations:,} evaluations of {fl.flags} "
        f"flags; **{fl.warm_calls} DynamoDB calls** once warm; the first (cold) evaluation makes "
        f"{len(fl.cold_calls)} ({', '.join(fl.cold_calls) or 'none'})."
    )
    add("")
    lines.extend(app_bench.render(r.apps))
    lines.extend(realtime_bench.render(r.realtime))
    lines.extend(marketplace_bench.render(r.marketplace))
    lines.extend(graphql_bench.render(r.graphql))
    lines.extend(health_bench.render(r.health))
    add("## Reading these figures")
    add("")
    add(
        "- Latency is dominated by the emulator: every AWS call is a loopback HTTP round trip to moto, and the embedded emulator runs one DynamoDB request at a time (DynamoDB's per-request atomicity). The call counts carry over to AWS; the milliseconds do not."
    )
    add(
        "- moto filters every item of a table for a GSI Query and copies every table for each TransactWriteItems; the embedded emulator reads a base-table Query's partition directly (as DynamoDB does). Scale therefore loads members in bulk and measures base-table paths (login, first page of users)."
    )
    add(
        "- Fan-out and gateway load run the whole platform in one Python process on this machine (GIL, the emulator in the same process): they show that nothing is lost and nothing errs under concurrency, not what Lambda would sustain."
    )
    add(
        "- Cold start: the baseline creates one boto3 client; a function creates its client too, and its import brings pydantic, Powertools (logger and HTTP resolver) and pynamodb as well — the libraries the platform is built on."
    )
    add("")
    return "\n".join(lines)
