"""What `stratus status` prints, and `stratus dev` at the end of its start-up: where the running platform
is, who its admin is, and how its queues stand. `stratus routes` prints the route table."""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from shared.declarations import Auth, Route
from shared.registry import Registry
from stratus.state import METRICS_TOKEN, Instance, State


def block(instance: Instance, registry: Registry, state: State | None) -> list[str]:
    """The status block. Reads the queues through this process's AWS settings: point them at the instance's
    emulator first (`stratus.emulator.point_process_at`)."""
    where = f"; state in {_shown(state.path)}/" if state is not None else ""
    lines = [f"stratus dev  running (pid {instance.pid}, since {instance.started_at}{where})"]
    lines.append(f"gateway      {instance.gateway}")
    if instance.embedded:
        kept = f"; data kept in {_shown(state.emulator_file)}" if state is not None else ""
        lines.append(f"emulator     {instance.emulator} (moto server{kept})")
    else:
        lines.append(f"emulator     {instance.emulator} (external: it keeps its own data)")
    if instance.docs:
        lines.append(f"docs         {instance.docs}")
    admin = state.admin() if state is not None else None
    if admin is not None and state is not None:
        lines.append(
            f"admin        {admin['email']} (tenant {admin.get('tenantId', 'platform')}); "
            f"password in {_shown(state.admin_file)}"
        )
    if state is not None and registry.http_functions:
        scrape = [fn.route.path for fn in registry.http_functions if fn.route.auth is Auth.METRICS]
        if scrape:
            # What a local Prometheus scrapes with: the token in secrets.json, unless the instance was given
            # its own in its environment.
            token = state.metrics_token() if METRICS_TOKEN in instance.from_state else f"${METRICS_TOKEN}"
            lines.append(f"metrics      {instance.gateway}{scrape[0]} (Authorization: Bearer {token})")
    lines.extend(_queues(registry))
    lines.append("more         stratus routes · stratus jobs list · stratus queues · stratus mail")
    return lines


def _queues(registry: Registry) -> list[str]:
    from stratus.queues import states

    if not registry.subscribers:
        return ["queues       (no subscriber is declared)"]
    try:
        found = states(registry, peek=False)
    except (BotoCoreError, ClientError) as exc:
        return [f"queues       cannot read them: {exc}"]
    width = max(len(q.subscriber) for q in found)
    lines = [f"queues       {'subscriber':{width}}  visible  in flight  dead letters"]
    for q in found:
        lines.append(f"{'':13}{q.subscriber:{width}}  {q.visible:>7}  {q.in_flight:>9}  {q.dead:>12}")
    return lines


def routes(registry: Registry) -> list[str]:
    """Every route with its function and auth, then the queues' subscribers and the schedules."""
    from stratus.jobs import job_name

    lines = []
    for fn in registry.http_functions:
        route = fn.trigger
        assert isinstance(route, Route)
        lines.append(f"{route.method:6} {route.path:45} {fn.qualified_name} ({route.auth})")
    for fn in registry.subscribers:
        lines.append(f"queue  → {fn.qualified_name}")
    for fn in registry.scheduled:
        lines.append(f"{getattr(fn.trigger, 'expression', '')} → job {job_name(fn)} ({fn.qualified_name})")
    return lines


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
