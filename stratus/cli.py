"""`stratus`: the local platform and the tools around it. `stratus --help` lists the commands."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, ValueError, KeyError, OSError) as exc:
        print(f"stratus: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stratus", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    dev = sub.add_parser("dev", help="run the whole platform locally (emulator, gateway, queues, schedules)")
    dev.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    dev.add_argument("--port", type=int, default=3000, help="gateway port (default 3000)")
    dev.add_argument(
        "--emulator-port", type=int, default=4566, help="embedded moto server port (default 4566)"
    )
    dev.add_argument("--endpoint", help="use this AWS emulator (e.g. LocalStack) instead of the embedded one")
    dev.set_defaults(run=_dev)

    invoke = sub.add_parser("invoke", help="invoke one function with an event file, against an emulator")
    invoke.add_argument("function", help="qualified name, e.g. monitoring-health")
    invoke.add_argument("--event", type=Path, required=True, help="JSON event file")
    _endpoint_option(invoke)
    invoke.set_defaults(run=_invoke)

    queues = sub.add_parser("queues", help="depths of every subscriber queue and DLQ, oldest dead letter")
    _endpoint_option(queues)
    queues.set_defaults(run=_queues)

    dlq = sub.add_parser("dlq", help="dead-letter queues: `stratus dlq redrive SERVICE`")
    dlq_sub = dlq.add_subparsers(required=True, metavar="ACTION")
    redrive = dlq_sub.add_parser("redrive", help="move a subscriber's dead letters back to its queue")
    redrive.add_argument("service", help="the subscriber service, e.g. notification")
    _endpoint_option(redrive)
    redrive.set_defaults(run=_redrive)

    jobs = sub.add_parser("jobs", help="scheduled jobs: `stratus jobs run NAME` runs one now")
    jobs_sub = jobs.add_subparsers(required=True, metavar="ACTION")
    run = jobs_sub.add_parser("run", help="run a job now (e.g. files-cleanup-job)")
    run.add_argument("name", help="the job function's qualified name")
    _endpoint_option(run)
    run.add_argument("--gateway", help="call the services of a deployment through its gateway URL")
    run.set_defaults(run=_jobs_run)

    mail = sub.add_parser(
        "mail", help="the emails the local emulator's SES recorded (nothing leaves locally)"
    )
    _endpoint_option(mail)
    mail.add_argument("--to", help="only mail to this address")
    mail.set_defaults(run=_mail)

    bench = sub.add_parser("bench", help="the benchmarks: cold start, latency, calls, scale, fan-out, load")
    bench.add_argument("--quick", action="store_true", help="every stage on a tiny scale (under a minute)")
    bench.add_argument(
        "--out", type=Path, help="markdown file to write (default: docs/benchmarks.md, not with --quick)"
    )
    bench.set_defaults(run=_bench)

    prov = sub.add_parser("provision", help="create tables, bus, queues, rules and bucket on an endpoint")
    _endpoint_option(prov)
    prov.set_defaults(run=_provision)

    openapi = sub.add_parser("openapi", help="write (or --check) functions/gateway/openapi.json")
    openapi.add_argument("--check", action="store_true", help="fail if the committed document is stale")
    openapi.set_defaults(run=_openapi)

    generate = sub.add_parser("generate", help="write (or --check) serverless.yml and the Terraform wiring")
    generate.add_argument("--check", action="store_true", help="fail if a committed file is stale")
    generate.set_defaults(run=_generate)

    package = sub.add_parser(
        "package", help="build build/code.zip and the Lambda deps layer build/deps-layer.zip"
    )
    package.add_argument("--code-only", action="store_true", help="skip the deps layer")
    package.set_defaults(run=_package)

    admin = sub.add_parser("bootstrap-admin", help="create the platform tenant and its first admin")
    _endpoint_option(admin)
    admin.add_argument(
        "--gateway", help="the deployed HTTP API's URL (internal calls go through it); default: in-process"
    )
    admin.set_defaults(run=_bootstrap_admin)

    keygen = sub.add_parser("keygen", help="a new RS256 signing key (PEM file) and its public JWKS")
    keygen.add_argument("--kid", default="stratus-1", help="the key id tokens will carry (default stratus-1)")
    keygen.add_argument(
        "--out", type=Path, default=Path("jwt-private-key.pem"), help="where to write the PEM"
    )
    keygen.set_defaults(run=_keygen)

    check = sub.add_parser("check", help="check the declarations: names, routes, tables, call layering")
    check.set_defaults(run=_check)
    return parser


def _endpoint_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--endpoint", default=DEFAULT_ENDPOINT, help=f"AWS endpoint (default {DEFAULT_ENDPOINT})"
    )


def _registry() -> Any:
    """The platform's catalog, or the one STRATUS_CATALOG names (`package.module:factory`)."""
    spec = os.environ.get("STRATUS_CATALOG")
    if spec:
        module, _, factory = spec.partition(":")
        return getattr(importlib.import_module(module), factory or "registry")()
    from functions.catalog import registry

    return registry()


def _dev(args: argparse.Namespace) -> int:
    from stratus.local import LocalPlatform

    platform = LocalPlatform(
        _registry(), host=args.host, port=args.port, emulator_port=args.emulator_port, endpoint=args.endpoint
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    platform.start()
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("\nstopping …")
    platform.stop()
    print("stopped")
    return 0


def _at(endpoint: str) -> None:
    from stratus.emulator import Emulator, point_process_at

    Emulator.external(endpoint)
    tables = ",".join(t.name for t in _registry().tables())
    point_process_at(endpoint, extra={"STRATUS_TABLES": tables})


def _invoke(args: argparse.Namespace) -> int:
    from shared import service_client
    from shared.adapters.lambda_events import LocalContext
    from shared.transports import InProcessTransport

    registry = _registry()
    fn = registry.function(args.function)
    event = json.loads(args.event.read_text())
    _at(args.endpoint)
    service_client.set_default_transport(InProcessTransport(registry))
    result = registry.handler(fn)(event, LocalContext.for_function(fn))
    print(json.dumps(result, indent=2, default=str))
    return 0


def _queues(args: argparse.Namespace) -> int:
    from stratus.queues import states

    _at(args.endpoint)
    rows = [("subscriber", "queue", "visible", "in flight", "DLQ", "oldest dead letter")]
    for q in states(_registry()):
        oldest = (
            f"{q.oldest_dead_age:.0f}s ago ({q.oldest_dead_type})" if q.oldest_dead_age is not None else "-"
        )
        rows.append((q.subscriber, q.queue, str(q.visible), str(q.in_flight), str(q.dead), oldest))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    if len(rows) == 1:
        print("(no subscriber is declared)")
    return 0


def _redrive(args: argparse.Namespace) -> int:
    from stratus.queues import redrive

    _at(args.endpoint)
    moved = redrive(_registry(), args.service)
    print(f"redrove {moved} message(s) from {args.service}'s DLQ to its queue")
    return 0


def _jobs_run(args: argparse.Namespace) -> int:
    from shared import service_client
    from shared.adapters.lambda_events import LocalContext, scheduled_event
    from shared.declarations import Schedule
    from shared.transports import HttpTransport, InProcessTransport

    registry = _registry()
    fn = registry.function(args.name)
    if not isinstance(fn.trigger, Schedule):
        jobs = ", ".join(sorted(f.qualified_name for f in registry.scheduled))
        raise ValueError(f"{args.name} is not a scheduled job (jobs: {jobs})")
    _at(args.endpoint)
    transport: Any = HttpTransport(args.gateway) if args.gateway else InProcessTransport(registry)
    service_client.set_default_transport(transport)
    print(f"running {fn.qualified_name} ({fn.trigger.expression}) now …", file=sys.stderr)
    report = registry.handler(fn)(
        scheduled_event(f"manual-{fn.qualified_name}"), LocalContext.for_function(fn)
    )
    print(json.dumps(report, indent=2, default=str))
    return 0 if not isinstance(report, dict) or report.get("status") != "failed" else 1


def _mail(args: argparse.Namespace) -> int:
    from stratus.mail import sent_mail

    mails = [m for m in sent_mail(args.endpoint) if not args.to or args.to.lower() in m["to"]]
    for m in mails:
        print(f"From: {m['from']}\nTo: {', '.join(m['to'])}\nSubject: {m.get('subject', '(raw)')}\n")
        print(f"{m.get('body') or m.get('raw', '')}\n{'-' * 72}")
    print(f"{len(mails)} message(s)")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from stratus.bench.runner import run, write

    command = "stratus bench" + (" --quick" if args.quick else "")
    out = args.out or (None if args.quick else Path("docs/benchmarks.md"))
    results = run(
        _registry(), quick=args.quick, command=command, progress=lambda m: print(m, file=sys.stderr)
    )
    print(write(results, out))
    if out is not None:
        print(f"wrote {out}", file=sys.stderr)
    return 0


def _provision(args: argparse.Namespace) -> int:
    from stratus.provision import provision

    _at(args.endpoint)
    print(f"provisioning on {args.endpoint}")
    provision(_registry())
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from stratus.openapi import DOCUMENT, render

    text = render(_registry())
    if args.check:
        if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
            print(f"{DOCUMENT} is stale: run `stratus openapi`", file=sys.stderr)
            return 1
        print(f"{DOCUMENT} is current")
        return 0
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from stratus.deploy import generate

    registry = _registry()
    if args.check:
        stale = generate.stale(registry)
        for path in stale:
            print(f"✗ {path} does not match the declarations", file=sys.stderr)
        if stale:
            print("run `stratus generate` and commit the result", file=sys.stderr)
            return 1
        print("✓ deployment files match the declarations")
        return 0
    for path in generate.write(registry):
        print(f"wrote {path}")
    return 0


def _package(args: argparse.Namespace) -> int:
    from stratus.deploy.package import build_code, build_layer

    build_code()
    if not args.code_only:
        build_layer()
    return 0


def _bootstrap_admin(args: argparse.Namespace) -> int:
    from shared import service_client
    from shared.transports import HttpTransport, InProcessTransport
    from stratus.bootstrap import bootstrap_admin, credentials_from_env

    if (
        args.gateway
    ):  # a deployment: the internal calls go through its gateway, signed with its service secret
        transport: Any = HttpTransport(args.gateway)
    else:
        _at(args.endpoint)
        transport = InProcessTransport(_registry())
    service_client.set_default_transport(transport)
    email, password, _generated = credentials_from_env()
    admin = bootstrap_admin(email, password)
    if not admin.created:
        print(f"the platform tenant exists already; its admins are unchanged ({email} was not created)")
    else:
        print(f"platform admin created: {admin.email} / {admin.password} (tenant `platform`; shown once)")
    return 0


def _keygen(args: argparse.Namespace) -> int:
    from shared import access_tokens
    from shared.config import settings

    if args.out.exists():
        print(f"stratus: {args.out} exists; not overwriting a key", file=sys.stderr)
        return 1
    pem = access_tokens.generate_private_key_pem()
    args.out.touch(mode=0o600)
    args.out.write_text(pem)
    os.environ.update({"STRATUS_JWT_PRIVATE_KEY": pem, "STRATUS_JWT_KID": args.kid})
    settings.cache_clear()
    print(f"wrote {args.out} (keep it secret: it is the only key that can sign tokens)")
    print("public JWKS (STRATUS_JWT_PUBLIC_JWKS / the jwt_public_jwks variable):")
    print(json.dumps(access_tokens.jwks()))
    return 0


def _check(_args: argparse.Namespace) -> int:
    problems = _registry().problems()
    for problem in problems:
        print(f"✗ {problem}")
    if not problems:
        print(f"✓ {len(_registry().functions)} functions declared correctly")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
