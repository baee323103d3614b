"""Webhooks: each event of a tenant goes to every app that the tenant enabled, that subscribes to the event's
type (its registered `events` patterns, seed 000's: `user.*`, `*`) and that has a `webhookUrl` — POSTed as
the event's JSON, signed per Standard Webhooks (`shared.webhooks`, the app's derived secret), 15 s timeout.

Retries are the subscriber queue's redeliveries. If any app's delivery fails, the event fails: the
subscriber hides its message for `backoff(receive count)` — 30 s, 60 s, 120 s, 240 s, 480 s by default
(`STRATUS_WEBHOOK_BACKOFF` sets the base) — and after the 6th receive (1 attempt + 5 retries) SQS moves it
to the registry's DLQ, where `stratus dlq` shows it and `stratus dlq redrive registry` brings it back.
Nothing is lost and nothing is sent twice to an app that already took it: each (app, event) success is
recorded, and a redelivery only retries the apps that have not answered 2xx. Every attempt is kept
(`GET /api/v1/registry/services/{id}/deliveries`, 14 days); the last one before the DLQ says
`dead_lettered`.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from functions.registry import apps, ports
from functions.registry.manifest import SERVICE
from functions.registry.ports import AppRecord, AttemptRecord
from shared import webhooks
from shared.config import settings
from shared.declarations import Subscription, event_type_matches
from shared.envelopes import utc_now_iso
from shared.events.model import ServiceEvent
from shared.observability import logger

TIMEOUT_SECONDS = 15.0
_subscription = SERVICE.function("subscriber").trigger
assert isinstance(_subscription, Subscription)
MAX_ATTEMPTS = _subscription.max_receive_count
log = logger("registry")


class DeliveryFailed(Exception):
    """At least one app did not take the event; the message comes back later (or goes to the DLQ)."""


@dataclass(frozen=True)
class Outcome:
    service_id: str
    ok: bool


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: object, **__: object) -> None:
        return None  # a redirect is not a delivery


_opener = urllib.request.build_opener(_NoRedirects())


def backoff(receives: int) -> int:
    """Seconds before the next attempt after the `receives`-th failed one: base * 2^(n-1)."""
    return int(settings().webhook_backoff_seconds * 2 ** max(0, receives - 1))


# Events addressed to named users (a consultation's message, carried to their sockets): their data is a
# private message between people, not a fact about the tenant, so no app's pattern — even `*` — gets them.
ADDRESSED_TO_USERS = frozenset({"realtime.push_requested"})


def subscribers(event: ServiceEvent) -> list[AppRecord]:
    """The registered apps with a webhook that the event's tenant enabled and that want its type."""
    if not event.tenant_id or event.type in ADDRESSED_TO_USERS:
        return []
    enabled = {e.service_id for e in ports.store().enablements(event.tenant_id) if e.enabled}
    if not enabled:
        return []
    found = []
    for service_id in sorted(enabled):
        record = ports.store().get(service_id)
        if record is None or record.status != "registered" or not record.webhook_url:
            continue
        if any(event_type_matches(pattern, event.type) for pattern in record.events):
            found.append(record)
    return found


def deliver(event: ServiceEvent) -> None:
    targets = [r for r in subscribers(event) if not ports.store().delivered(r.service_id, event.id)]
    if not targets:
        return
    body = event.to_json().encode()
    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        outcomes = list(pool.map(lambda r: _attempt(r, event, body), targets))
    failed = [o.service_id for o in outcomes if not o.ok]
    if failed:
        raise DeliveryFailed(f"{event.id}: not delivered to {', '.join(failed)}")


def _attempt(record: AppRecord, event: ServiceEvent, body: bytes) -> Outcome:
    number = ports.store().next_attempt(record.service_id, event.id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Stratus-Webhooks/1",
        **webhooks.sign(apps.webhook_secret(record), event.id, body),
    }
    request = urllib.request.Request(  # noqa: S310 - the http(s) URL a platform admin registered
        str(record.webhook_url), data=body, method="POST", headers=headers
    )
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"timed out after {TIMEOUT_SECONDS:g} s" if isinstance(reason, TimeoutError) else str(reason)
    ok = status is not None and 200 <= status < 300
    if status is not None and not ok:
        error = f"answered {status}"
    # Every receive of the message attempts each app not yet delivered, so the queue's last receive (the
    # 6th, 12th after a redrive, ...) is this app's last attempt before the DLQ.
    outcome = "delivered" if ok else ("dead_lettered" if number % MAX_ATTEMPTS == 0 else "failed")
    ports.store().record_attempt(
        AttemptRecord(
            service_id=record.service_id,
            event_id=event.id,
            event_type=event.type,
            tenant_id=event.tenant_id,
            attempt=number,
            status=outcome,
            http_status=status,
            error=error,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            attempted_at=utc_now_iso(),
        )
    )
    if not ok:
        log.warning(
            "webhook not delivered", service_id=record.service_id, attempt=number, status=outcome, error=error
        )
    return Outcome(record.service_id, ok)
