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
    from stratus.cli_errors import OneLineParser, explain

    parser = _parser(OneLineParser)
    if not (sys.argv[1:] if argv is None else argv):  # `stratus` alone: what it can do, not an error
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    try:
        if getattr(args, "endpoint_from_state", False) and args.endpoint is None:
            args.endpoint = _default_endpoint()
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line with the fix, never a traceback (STRATUS_DEBUG=1 shows it)
        print(f"stratus: {explain(exc, getattr(args, 'endpoint', None))}", file=sys.stderr)
        if os.environ.get("STRATUS_DEBUG"):
            raise
        return 1


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stratus")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _parser(parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    from stratus.cli_errors import EXAMPLES

    parser = parser_class(
        prog="stratus",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"stratus {_version()}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    dev = sub.add_parser(
        "dev",
        help="run the whole platform locally (emulator, gateway and /docs, queues, schedules, hot reload)",
    )
    dev.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    dev.add_argument("--port", type=int, default=3000, help="gateway port (default 3000)")
    dev.add_argument(
        "--emulator-port", type=int, default=4566, help="embedded moto server port (default 4566)"
    )
    dev.add_argument("--endpoint", help="use this AWS emulator (e.g. LocalStack) instead of the embedded one")
    dev.add_argument(
        "--reset", action="store_true", help="start clean: forget the data, keys and admin kept in .stratus/"
    )
    dev.add_argument(
        "--no-reload", action="store_true", help="do not load edited function modules on the next request"
    )
    dev.add_argument(
        "--with-example", action="store_true", help="also run the sample external app (app serve-example)"
    )
    dev.set_defaults(run=_dev)

    status = sub.add_parser(
        "status", help="the running `stratus dev`: its URLs, admin, queue depths (from .stratus/)"
    )
    status.set_defaults(run=_status)

    routes = sub.add_parser("routes", help="every route, queue subscriber and schedule of the platform")
    routes.set_defaults(run=_routes)

    invoke = sub.add_parser(
        "invoke",
        help="invoke one function with an event (a file or stdin), optionally as a user",
        epilog=_examples(
            "stratus invoke monitoring-health --event tests/events/http_get_health.json",
            "stratus events sample http GET /api/v1/users/me \\",
            "  | stratus invoke users-me --as ada@acme.example@acme",
            "stratus events sample user.created --sqs | stratus invoke audit-subscriber",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    invoke.add_argument("function", help="the function's name (`stratus routes`), e.g. monitoring-health")
    invoke.add_argument(
        "--event", default="-", help="JSON event file, or - for stdin (default); `stratus events sample`"
    )
    invoke.add_argument(
        "--as",
        dest="as_user",
        metavar="EMAIL@TENANT",
        help="run a protected route as this existing user (a real access token, signed with the dev key)",
    )
    _endpoint_option(invoke)
    invoke.set_defaults(run=_invoke)

    events = sub.add_parser(
        "events",
        help="sample events to feed `stratus invoke`: `stratus events sample TYPE`",
        epilog=_examples(
            "stratus events list",
            "stratus events sample user.created          # the EventBridge event",
            "stratus events sample user.created --sqs    # an SQS batch of it (what subscribers take)",
            "stratus events sample http GET /api/v1/users/me",
            'stratus events sample http POST /api/v1/roles --body \'{"name":"editor","permissions":[]}\'',
            "stratus events sample schedule",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    events_sub = events.add_subparsers(required=True, metavar="ACTION")
    events_list = events_sub.add_parser("list", help="the catalogued event types (events/)")
    events_list.set_defaults(run=_events_list)
    sample = events_sub.add_parser("sample", help="print a valid event: a catalogued type, http, schedule")
    sample.add_argument("type", help="an event type (`stratus events list`), `http` or `schedule`")
    sample.add_argument("route", nargs="*", metavar="METHOD PATH", help="with http: the request line")
    sample.add_argument("--sqs", action="store_true", help="an event type as an SQS batch (for subscribers)")
    sample.add_argument("--tenant", help="the event's tenant (default: the example's, else acme-corp)")
    sample.add_argument("--body", help="with http: the JSON request body")
    sample.set_defaults(run=_events_sample)

    queues = sub.add_parser("queues", help="depths of every subscriber queue and DLQ, oldest dead letter")
    _endpoint_option(queues)
    queues.set_defaults(run=_queues)

    dlq = sub.add_parser("dlq", help="dead-letter queues: `stratus dlq redrive SUBSCRIBER`")
    dlq_sub = dlq.add_subparsers(required=True, metavar="ACTION")
    redrive = dlq_sub.add_parser("redrive", help="move a subscriber's dead letters back to its queue")
    redrive.add_argument(
        "service", help="the subscriber: its service (notification) or its name in `stratus queues`"
    )
    _endpoint_option(redrive)
    redrive.set_defaults(run=_redrive)

    jobs = sub.add_parser("jobs", help="scheduled jobs: `stratus jobs list`, `stratus jobs run NAME`")
    jobs_sub = jobs.add_subparsers(required=True, metavar="ACTION")
    listed = jobs_sub.add_parser("list", help="every job: its name, function and schedule")
    listed.set_defaults(run=_jobs_list)
    run = jobs_sub.add_parser("run", help="run a job now (e.g. file-cleanup)")
    run.add_argument("name", help="the job's name (`stratus jobs list`; its function's name works too)")
    _endpoint_option(run)
    run.add_argument("--gateway", help="call the services of a deployment through its gateway URL")
    run.set_defaults(run=_jobs_run)

    mail = sub.add_parser(
        "mail", help="the emails the local emulator's SES recorded (nothing leaves locally)"
    )
    _endpoint_option(mail)
    mail.add_argument("--to", help="only mail to this address")
    mail.add_argument(
        "--no-wait", action="store_true", help="do not wait (up to 5 s) for the subscriber queues to drain"
    )
    mail.set_defaults(run=_mail)

    bench = sub.add_parser("bench", help="the benchmarks: cold start, latency, calls, scale, fan-out, load")
    bench.add_argument("--quick", action="store_true", help="every stage on a tiny scale (under a minute)")
    bench.add_argument(
        "--out", type=Path, help="markdown file to write (default: docs/benchmarks.md, not with --quick)"
    )
    bench.add_argument(
        "--compare", type=Path, help="a previous run's markdown: print each figure's ratio to it"
    )
    bench.set_defaults(run=_bench)

    prov = sub.add_parser("provision", help="create tables, bus, queues, rules and bucket on an endpoint")
    _endpoint_option(prov)
    prov.set_defaults(run=_provision)

    openapi = sub.add_parser(
        "openapi",
        help="write (or --check) the public (functions/gateway/openapi.json) and internal OpenAPI documents",
    )
    openapi.add_argument("--check", action="store_true", help="fail if a committed document is stale")
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
    _config_commands(sub)
    __import__("stratus.ws_cli", fromlist=["register"]).register(sub)  # `stratus ws` (stratus/ws_cli.py)
    __import__("stratus.seed", fromlist=["register"]).register(sub)  # `stratus seed` (stratus/seed.py)
    _app_commands(sub)
    importlib.import_module("stratus.new_app").add_commands(sub)  # `stratus new app NAME`
    return parser


def _app_commands(sub: Any) -> None:
    apps = sub.add_parser("app", help="external apps: `stratus app serve-example` runs a sample one")
    apps_sub = apps.add_subparsers(required=True, metavar="ACTION")
    example = apps_sub.add_parser(
        "serve-example",
        help="a sample external app on loopback: registers, heartbeats, serves, receives webhooks",
    )
    example.add_argument("--platform", help="the platform's URL (default: the running `stratus dev`)")
    example.add_argument("--name", default="example", help="the app's name (default example)")
    example.add_argument("--port", type=int, default=0, help="its port (default: a free one)")
    example.add_argument("--email", help="a platform admin's (default: STRATUS_ADMIN_EMAIL, .stratus/)")
    example.add_argument("--password", help="that admin's (default: STRATUS_ADMIN_PASSWORD, .stratus/)")
    example.add_argument("--heartbeat-every", type=float, default=30.0, help="seconds (default 30)")
    example.set_defaults(run=_serve_example)


def _serve_example(args: argparse.Namespace) -> int:
    from stratus.example_app import ExampleApp, serve
    from stratus.state import State

    state = State()
    found, admin = state.running(), state.admin() or {}
    platform = args.platform or (found.gateway if found is not None else "http://127.0.0.1:3000")
    email = args.email or os.environ.get("STRATUS_ADMIN_EMAIL") or admin.get("email")
    password = args.password or os.environ.get("STRATUS_ADMIN_PASSWORD") or admin.get("password")
    app = ExampleApp(
        platform.rstrip("/"),
        email=email,
        password=password,
        name=args.name,
        port=args.port,
        heartbeat_every=args.heartbeat_every,
    )
    return serve(app)


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _endpoint_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--endpoint",
        help=f"AWS endpoint (default: the running `stratus dev`'s emulator, else {DEFAULT_ENDPOINT})",
    )
    command.set_defaults(endpoint_from_state=True)


def _default_endpoint() -> str:
    """The emulator of the `stratus dev` running from this directory (.stratus/), else the default."""
    from stratus.state import State

    found = State().running()
    return found.emulator if found is not None else DEFAULT_ENDPOINT


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
    from stratus.state import state_dir

    platform = LocalPlatform(
        _registry(),
        host=args.host,
        port=args.port,
        emulator_port=args.emulator_port,
        endpoint=args.endpoint,
        state_dir=state_dir(),
        reset=args.reset,
        reload=not args.no_reload,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    # The terminal closed: stop (and save) as on Ctrl-C — unless started to outlive it (nohup).
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, lambda *_: stopped.set())
    platform.start()
    example = importlib.import_module("stratus.dev_example").start(platform) if args.with_example else None
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("\nstopping …")
    if example is not None:
        example.stop()
    platform.stop()
    print("stopped")
    return 0


def _at(endpoint: str) -> None:
    from stratus.cli_errors import require_reachable
    from stratus.emulator import Emulator, point_process_at
    from stratus.state import State

    require_reachable(endpoint)  # one line now, rather than botocore's retries and then a traceback
    # The running `stratus dev`'s emulator: sign and verify as it does (its key and service secret from
    # .stratus/), with its stage's resource names.
    state = State()
    found = state.running()
    if found is not None and found.emulator.rstrip("/") == endpoint.rstrip("/"):
        state.export_for_tools(found)
    Emulator.external(endpoint)
    tables = ",".join(t.name for t in _registry().tables())
    point_process_at(endpoint, extra={"STRATUS_TABLES": tables})


def _invoke(args: argparse.Namespace) -> int:
    from shared import service_client
    from shared.adapters.lambda_events import LocalContext
    from shared.transports import InProcessTransport
    from stratus import invoking

    # Only the function's answer on stdout (to pipe into jq); the functions' log lines go to stderr.
    answer, sys.stdout = sys.stdout, sys.stderr
    try:
        registry = _registry()
        fn = registry.function(args.function)
        event = invoking.read_event(args.event)
        invoking.check(fn, event, as_user=args.as_user)
        _at(args.endpoint)
        service_client.set_default_transport(InProcessTransport(registry))
        event = invoking.authorized(registry, fn, event, as_user=args.as_user)
        result = registry.handler(fn)(event, LocalContext.for_function(fn))
    finally:
        sys.stdout = answer
    print(json.dumps(result, indent=2, default=str))
    return 0


def _events_list(_args: argparse.Namespace) -> int:
    from stratus import samples

    for event_type in samples.event_types():
        print(event_type)
    return 0


def _events_sample(args: argparse.Namespace) -> int:
    from stratus import samples

    if args.type == "http":
        if len(args.route) != 2:
            raise ValueError("http wants METHOD PATH, e.g. `stratus events sample http GET /api/v1/users/me`")
        event = samples.http_request(_registry(), args.route[0], args.route[1], body=args.body)
    elif args.route or args.body is not None:
        raise ValueError(f"METHOD PATH and --body go with `http`, not {args.type!r}")
    elif args.type == "schedule":
        event = samples.schedule()
    else:
        event = samples.bus_event(args.type, tenant_id=args.tenant)
        if args.sqs:
            event = samples.sqs_batch([event])
    print(json.dumps(event, indent=2))
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

    registry = _registry()
    # The name `stratus queues` and `stratus status` print (the subscriber function) works as well.
    service = next(
        (fn.service for fn in registry.subscribers if fn.qualified_name == args.service), args.service
    )
    if service not in {fn.service for fn in registry.subscribers}:
        names = sorted(
            {fn.service for fn in registry.subscribers} | {fn.qualified_name for fn in registry.subscribers}
        )
        raise ValueError(f"no subscriber queue for {args.service!r}; subscribers: {', '.join(names)}")
    _at(args.endpoint)
    moved = redrive(registry, service)
    print(f"redrove {moved} message(s) from {service}'s DLQ to its queue")
    return 0


def _status(_args: argparse.Namespace) -> int:
    from stratus.state import State
    from stratus.status import block

    state = State()
    found = state.running()
    if found is None:
        last = state.instance()
        if last is not None:
            print(f"stratus dev is not running (its last run, pid {last.pid}, did not stop cleanly)")
        else:
            print(f"stratus dev is not running (nothing in {state.path}/ says otherwise)")
        return 1
    _at(found.emulator)
    for line in block(found, _registry(), state):
        print(line)
    return 0


def _routes(_args: argparse.Namespace) -> int:
    from stratus.status import routes

    for line in routes(_registry()):
        print(line)
    return 0


def _jobs_list(_args: argparse.Namespace) -> int:
    from stratus.jobs import scheduled_jobs

    jobs = scheduled_jobs(_registry())
    width = max((len(job.name) for job in jobs), default=0)
    for job in jobs:
        print(f"{job.name:{width}}  {job.expression:18}  {job.function.qualified_name}")
    return 0


def _jobs_run(args: argparse.Namespace) -> int:
    from shared import service_client
    from shared.adapters.lambda_events import LocalContext, scheduled_event
    from shared.transports import HttpTransport, InProcessTransport
    from stratus.jobs import find_job

    registry = _registry()
    job = find_job(registry, args.name)
    fn = job.function
    _at(args.endpoint)
    transport: Any = HttpTransport(args.gateway) if args.gateway else InProcessTransport(registry)
    service_client.set_default_transport(transport)
    print(f"running job {job.name} ({fn.qualified_name}, {job.expression}) now …", file=sys.stderr)
    report = registry.handler(fn)(
        scheduled_event(f"manual-{fn.qualified_name}"), LocalContext.for_function(fn)
    )
    print(json.dumps(report, indent=2, default=str))
    return 0 if not isinstance(report, dict) or report.get("status") != "failed" else 1


def _mail(args: argparse.Namespace) -> int:
    from stratus.cli_errors import require_reachable
    from stratus.mail import sent_mail, settle

    require_reachable(args.endpoint)
    if not args.no_wait:
        settle(args.endpoint)  # mail still on its way (e.g. the verification link after register)
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
    previous = args.compare.read_text() if args.compare else None  # read before `out` may overwrite it
    results = run(
        _registry(), quick=args.quick, command=command, progress=lambda m: print(m, file=sys.stderr)
    )
    text = write(results, out)
    print(text)
    if out is not None:
        print(f"wrote {out}", file=sys.stderr)
    if previous is not None:
        from stratus.bench import compare

        print(f"\n## Compared with {args.compare}\n\n{compare.render(compare.compare(previous, text))}")
    return 0


def _provision(args: argparse.Namespace) -> int:
    from stratus.provision import provision

    _at(args.endpoint)
    print(f"provisioning on {args.endpoint}")
    provision(_registry())
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from stratus import openapi

    registry = _registry()
    if args.check:
        stale = openapi.stale(registry)
        for path in stale:
            print(f"{path} is stale: run `stratus openapi`", file=sys.stderr)
        if stale:
            return 1
        print("the OpenAPI documents are current")
        return 0
    for path in openapi.write(registry):
        print(f"wrote {path}")
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


def _config_commands(sub: Any) -> None:
    """`stratus config …` and `stratus flags …`: the config center through a running gateway's API
    (stratus/config_cli.py; docs/config-center.md)."""
    from stratus import config_cli

    def who(command: argparse.ArgumentParser) -> None:
        command.add_argument("--gateway", help="the gateway URL (default: the running `stratus dev`'s)")
        command.add_argument(
            "--as",
            dest="as_user",
            metavar="EMAIL@TENANT",
            help="act as this user (default: the platform admin; password: $STRATUS_PASSWORD or asked)",
        )

    def addressed(command: argparse.ArgumentParser) -> None:
        command.add_argument("scope", help="platform, plan:<plan>, tenant, tenant:<id> or app:<name>")
        command.add_argument("key", help="the configuration key, e.g. flags")
        who(command)

    config = sub.add_parser("config", help="configuration documents: get, set, history, rollback")
    config_sub = config.add_subparsers(required=True, metavar="ACTION")
    get = config_sub.add_parser("get", help="a key's effective value at a scope and each scope's part")
    addressed(get)
    get.add_argument("--effective", action="store_true", help="print only the merged value")
    get.set_defaults(run=config_cli.config_get)
    put = config_sub.add_parser("set", help="write a scope's document of a key (a new version)")
    addressed(put)
    put.add_argument("value", nargs="?", help="the document, as JSON")
    put.add_argument("--file", type=Path, help="read the document (JSON) from this file")
    put.add_argument(
        "--if-version", type=int, help="the version you read (default: the current one, read first)"
    )
    put.set_defaults(run=config_cli.config_set)
    history = config_sub.add_parser("history", help="the versions of a scope's document, newest first")
    addressed(history)
    history.add_argument("--limit", type=int, default=20, help="how many (default 20, at most 100)")
    history.set_defaults(run=config_cli.config_history)
    rollback = config_sub.add_parser("rollback", help="write an earlier version again, as a new one")
    addressed(rollback)
    rollback.add_argument("version", type=int, help="the version to go back to")
    rollback.add_argument("--if-version", type=int, help="the current version you read")
    rollback.set_defaults(run=config_cli.config_rollback)

    flags = sub.add_parser("flags", help="feature flags: `stratus flags eval NAME --as EMAIL@TENANT`")
    flags_sub = flags.add_subparsers(required=True, metavar="ACTION")
    evaluate = flags_sub.add_parser("eval", help="a flag as a user gets it (GET /api/v1/flags as them)")
    evaluate.add_argument("name", help="the flag")
    who(evaluate)
    evaluate.set_defaults(run=config_cli.flags_eval)
    bench = flags_sub.add_parser("bench", help="µs per cached flag evaluation, and its DynamoDB calls")
    bench.add_argument("--evaluations", type=int, default=100_000, help="how many (default 100000)")
    bench.set_defaults(run=config_cli.flags_bench)


if __name__ == "__main__":
    sys.exit(main())
