"""No event lost, no lie to the client: every event-emitting route of files, tenants, rbac and auth (and the
users routes the identity flows go through) while the bus refuses PutEvents, through `stratus dev`.

Each case: GIVEN its preconditions (bus up) and then a bus that refuses every PutEvents, WHEN the route is
called, THEN the answer matches what was committed (a success and the change stands, or an error and
nothing changed), each event the route emits — one per write — waits in the outbox undelivered; and WHEN
the bus is back and the outbox drain runs (twice), THEN every event reaches every subscriber of its type
exactly once (counted where a subscriber acts on it: after its idempotency check, on success only).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from functions.catalog import registry
from shared import aws, outbox
from shared.config import settings
from shared.declarations import Subscription
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber
from stratus.local import LocalPlatform
from tests.e2e.conftest import Reply
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, fetch, post_form, tenant_with_admin, upload, whole_platform

pytestmark = pytest.mark.e2e

TENANT = "faultco"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
NEW_PASSWORD = "another-horse-battery-7"


# --- the bus and the subscribers, observed -------------------------------------------------------------
class Bus:
    """publisher.send, switchable to refusing: what it refused is kept (by event id)."""

    def __init__(self) -> None:
        self.real = publisher.send
        self.refused: dict[str, ServiceEvent] = {}

    def _refuse(self, *events: ServiceEvent) -> None:
        self.refused.update((e.id, e) for e in events)
        raise QueueUnavailable("PutEvents refused")

    @contextmanager
    def down(self) -> Iterator[None]:
        self.refused.clear()
        publisher.send = self._refuse  # type: ignore[assignment]
        try:
            yield
        finally:
            publisher.send = self.real  # type: ignore[assignment]

    def refused_by_the_route(self) -> list[ServiceEvent]:
        """The route's events: not the jobs' system.* events (a scheduled run may fire meanwhile)."""
        return [e for e in self.refused.values() if not e.type.startswith("system.")]


class Deliveries:
    """How many times each subscriber acted on each event id (the dispatch behind its idempotency)."""

    def __init__(self) -> None:
        self.acted: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._original = Subscriber._dispatch

    def install(self) -> None:
        original = self._original

        def counted(subscriber: Subscriber, event: dict[str, Any]) -> dict[str, Any]:
            result = original(subscriber, event)  # a handler that raises is retried: not counted
            with self._lock:
                self.acted[(subscriber.function.qualified_name, str(event["id"]))] += 1
            return result

        Subscriber._dispatch = counted  # type: ignore[method-assign]

    def uninstall(self) -> None:
        Subscriber._dispatch = self._original  # type: ignore[method-assign]

    def of(self, events: list[ServiceEvent]) -> dict[tuple[str, str], int]:
        ids = {e.id for e in events}
        with self._lock:
            return {key: n for key, n in self.acted.items() if key[1] in ids}


def at_rest() -> bool:
    """Nothing in flight: no event staged, and every subscriber queue empty, in flight included (a
    subscriber's own events — notification.created after a welcome message — are published before its
    message is deleted, so an empty queue means the cascade is over)."""
    if outbox.pending_count():
        return False
    sqs = aws.client("sqs")
    for service in sorted({fn.service for fn in registry().subscribers}):
        url = sqs.get_queue_url(QueueName=settings().queue_name(service))["QueueUrl"]
        counts = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if int(counts["ApproximateNumberOfMessages"]) or int(counts["ApproximateNumberOfMessagesNotVisible"]):
            return False
    return True


def subscribers_of(event_type: str) -> list[str]:
    return [
        fn.qualified_name
        for fn in registry().subscribers
        if isinstance(fn.trigger, Subscription) and fn.trigger.matches(event_type)
    ]


# --- the platform --------------------------------------------------------------------------------------
@dataclass
class World:
    local: LocalPlatform
    api: Api
    root: str  # the platform admin's access token
    admin: str  # faultco's admin's access token

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Reply:
        return self.api.call(method, path, body, token=token)

    def member(self, name: str, *, login: bool = True) -> tuple[str, str]:
        """A member of faultco, registered (and logged in) while the bus is up: (userId, access token)."""
        registered = self.api.register(f"{name}@{TENANT}.example", TENANT)
        assert registered.status == 201, registered.body
        token = self.api.login(f"{name}@{TENANT}.example", PASSWORD, TENANT)["accessToken"] if login else ""
        return str(registered.body["data"]["userId"]), str(token)


@pytest.fixture(scope="module")
def deliveries() -> Iterator[Deliveries]:
    counter = Deliveries()
    counter.install()  # before any subscriber builds its idempotent dispatch (it binds it then)
    yield counter
    counter.uninstall()


@pytest.fixture(scope="module")
def world(deliveries: Deliveries) -> Iterator[World]:
    with whole_platform(STRATUS_OUTBOX_GRACE_SECONDS="0") as local:
        api = Api(local.url)
        root = str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])
        yield World(local, api, root, tenant_with_admin(api, root, TENANT))


@pytest.fixture
def bus() -> Bus:
    return Bus()


def data(reply: Reply) -> Any:
    assert reply.status < 300, reply.body
    return reply.body["data"] if reply.body else None


def requested_upload(w: World, token: str, content: bytes, name: str = "a.txt") -> str:
    """upload-request and the bytes sent to the presigned POST, not completed yet: the fileId."""
    body = {"fileName": name, "fileSize": len(content), "contentType": "text/plain"}
    ticket = data(w.call("POST", "/api/v1/files/upload", body, token=token))
    assert post_form(ticket["upload"]["url"], ticket["upload"]["fields"], content, "text/plain") in (200, 204)
    return str(ticket["fileId"])


def file_status(w: World, file_id: str) -> int | str:
    reply = w.call("GET", f"/api/v1/files/{file_id}", token=w.admin)
    return str(reply.body["data"]["status"]) if reply.status == 200 else reply.status


# --- the cases: arranged with the bus up; the returned act runs with the bus down ----------------------
Act = Callable[[], None]


def role_changes(w: World) -> Act:
    user_id, _ = w.member("rory", login=False)

    def act() -> None:
        # role create and update write no event: they simply work
        role = {"name": "reporter", "permissions": ["file.read"]}
        assert w.call("POST", "/api/v1/roles", role, token=w.admin).status == 201
        wider = {"permissions": ["file.read", "user.read"]}
        assert w.call("PUT", "/api/v1/roles/reporter", wider, token=w.admin).status == 200
        # assign + unassign: answered 200, and the roles changed
        assert (
            w.call("POST", f"/api/v1/users/{user_id}/roles", {"role": "reporter"}, token=w.admin).status
            == 200
        )
        assert w.call("DELETE", f"/api/v1/users/{user_id}/roles/member", token=w.admin).status == 200
        held = data(w.call("GET", f"/api/v1/users/{user_id}/permissions", token=w.admin))
        assert (held["roles"], held["permissions"]) == (["reporter"], ["file.read", "user.read"])

    return act


def tenant_create(w: World) -> Act:
    def act() -> None:
        created = w.api.create_tenant(w.root, "newco")
        assert (created.status, created.body["data"]["status"]) == (201, "active"), created.body
        assert data(w.call("GET", "/api/v1/tenants/newco", token=w.root))["status"] == "active"

    return act


def tenant_rename(w: World) -> Act:
    def act() -> None:
        renamed = w.call("PATCH", f"/api/v1/tenants/{TENANT}", {"name": "Fault Co Two"}, token=w.admin)
        assert renamed.status == 200, renamed.body
        assert data(w.call("GET", f"/api/v1/tenants/{TENANT}", token=w.admin))["name"] == "Fault Co Two"

    return act


def tenant_plan_change(w: World) -> Act:
    def act() -> None:
        changed = w.call("PATCH", f"/api/v1/tenants/{TENANT}", {"plan": "premium"}, token=w.root)
        assert changed.status == 200, changed.body
        assert data(w.call("GET", f"/api/v1/tenants/{TENANT}", token=w.root))["plan"] == "premium"

    return act


def tenant_suspend(w: World) -> Act:
    assert w.api.create_tenant(w.root, "suspco").status == 201

    def act() -> None:
        suspended = w.call("POST", "/api/v1/tenants/suspco/suspend", token=w.root)
        assert (suspended.status, suspended.body["data"]["status"]) == (200, "suspended"), suspended.body
        assert data(w.call("GET", "/api/v1/tenants/suspco", token=w.root))["status"] == "suspended"

    return act


def quota_warning_and_refusal(w: World) -> Act:
    token = tenant_with_admin(w.api, w.root, "tinyco", storageBytes=1000, maxFileBytes=2000)

    def used() -> int:
        return int(data(w.call("GET", "/api/v1/tenants/tinyco", token=token))["usage"]["storageBytes"])

    def act() -> None:
        # 900 of 1000 bytes: accepted, and the 80% threshold is crossed (file.quota_warning)
        body = {"fileName": "big.txt", "fileSize": 900, "contentType": "text/plain"}
        assert w.call("POST", "/api/v1/files/upload", body, token=token).status == 201
        # 200 more: refused (tenant.quota_exceeded), and nothing reserved
        refused = w.call("POST", "/api/v1/files/upload", {**body, "fileSize": 200}, token=token)
        assert (refused.status, refused.body["error"]["code"]) == (403, "STORAGE_QUOTA_EXCEEDED")
        assert used() == 900

    return act


def upload_complete(w: World) -> Act:
    file_id = requested_upload(w, w.admin, b"clean bytes\n")

    def act() -> None:
        done = w.call("POST", f"/api/v1/files/{file_id}/complete", token=w.admin)
        assert (done.status, done.body["data"]["status"]) == (200, "available"), done.body
        assert file_status(w, file_id) == "available"

    return act


def upload_complete_infected(w: World) -> Act:
    file_id = requested_upload(w, w.admin, EICAR, name="eicar.txt")

    def act() -> None:
        done = w.call("POST", f"/api/v1/files/{file_id}/complete", token=w.admin)
        assert (done.status, done.body["data"]["status"]) == (200, "quarantined"), done.body
        assert file_status(w, file_id) == "quarantined"

    return act


def file_delete(w: World) -> Act:
    file_id, done = upload(w.api, w.admin, b"to be deleted\n", name="gone.txt")
    assert done.status == 200

    def act() -> None:
        assert w.call("DELETE", f"/api/v1/files/{file_id}", token=w.admin).status == 204
        assert file_status(w, file_id) == 404

    return act


def file_download(w: World) -> Act:
    file_id, done = upload(w.api, w.admin, b"read me\n", name="readme.txt")
    assert done.status == 200

    def act() -> None:
        link = data(w.call("GET", f"/api/v1/files/{file_id}/download", token=w.admin))
        assert fetch(link["url"]) == b"read me\n"

    return act


def register(w: World) -> Act:
    def act() -> None:
        registered = w.api.register(f"late@{TENANT}.example", TENANT)
        assert registered.status == 201, registered.body
        found = w.call("GET", f"/api/v1/users/{registered.body['data']['userId']}", token=w.admin)
        assert found.status == 200

    return act


def login(w: World) -> Act:
    w.member("lena", login=False)

    def act() -> None:
        tokens = w.api.login(f"lena@{TENANT}.example", PASSWORD, TENANT)  # asserts 200
        assert w.call("GET", "/api/v1/users/me", token=tokens["accessToken"]).status == 200

    return act


def logout(w: World) -> Act:
    _, token = w.member("otto")

    def act() -> None:
        assert w.call("POST", "/api/v1/auth/logout", token=token).status == 204
        assert w.call("GET", "/api/v1/users/me", token=token).status == 401  # the session has ended

    return act


def change_password(w: World) -> Act:
    _, token = w.member("cleo")

    def act() -> None:
        change = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
        assert w.call("POST", "/api/v1/auth/change-password", change, token=token).status == 204
        w.api.login(f"cleo@{TENANT}.example", NEW_PASSWORD, TENANT)  # the new password works (200)

    return act


CASES = [
    pytest.param(role_changes, ["rbac.role_changed"] * 2, id="rbac-role-create-update-assign-unassign"),
    pytest.param(tenant_create, ["user.created", "tenant.created"], id="tenant-create-and-activate"),
    pytest.param(tenant_rename, ["tenant.updated"], id="tenant-update"),
    pytest.param(tenant_plan_change, ["tenant.updated", "tenant.plan_changed"], id="tenant-plan-change"),
    pytest.param(tenant_suspend, ["tenant.suspended"], id="tenant-suspend"),
    pytest.param(
        quota_warning_and_refusal,
        ["file.quota_warning", "tenant.quota_exceeded"],
        id="files-upload-request-quota-warning-and-refusal",
    ),
    pytest.param(upload_complete, ["file.uploaded"], id="files-complete"),
    pytest.param(upload_complete_infected, ["file.virus_detected"], id="files-complete-virus"),
    pytest.param(file_delete, ["file.deleted"], id="files-delete"),
    pytest.param(file_download, ["file.downloaded"], id="files-download"),
    pytest.param(register, ["user.created"], id="users-register"),
    pytest.param(login, ["user.login"], id="auth-login"),
    pytest.param(logout, ["user.logout"], id="auth-logout"),
    pytest.param(change_password, ["user.password_changed", "user.login"], id="users-change-password"),
]


@pytest.mark.parametrize(("arrange", "emitted"), CASES)
def test_while_the_bus_is_down_the_answer_is_true_and_every_event_is_delivered_once_after(
    world: World, bus: Bus, deliveries: Deliveries, arrange: Callable[[World], Act], emitted: list[str]
) -> None:
    # GIVEN the route's preconditions, made while the bus is up
    act = arrange(world)
    # (and what the arrangement set off has run its course: only the route's events are refused below)
    eventually(at_rest, what="the platform at rest")
    # AND a bus that refuses PutEvents
    with bus.down():
        # WHEN the route is called  THEN it answers what it committed (the act checks answer and state)
        act()
        # AND each of its events, one per write, waits in the outbox: none was delivered
        events = bus.refused_by_the_route()
        assert sorted(e.type for e in events) == sorted(emitted)
        assert outbox.pending_count() == len(events)
        assert deliveries.of(events) == {}
    # WHEN the bus is back and the outbox drain runs (twice)
    for _ in range(2):
        assert world.local.scheduler is not None
        world.local.scheduler.fire(world.local.registry.function("monitoring-outbox-drain-job"))
    # THEN every subscriber of each event acts on it, and exactly once
    expected = {(name, e.id): 1 for e in events for name in subscribers_of(e.type)}
    assert expected, "every event has subscribers (the audit at least)"
    eventually(lambda: set(deliveries.of(events)) >= set(expected), what="delivery to every subscriber")
    time.sleep(0.5)  # a duplicate, if any, would be acted on by now
    assert deliveries.of(events) == expected
    eventually(at_rest, what="nothing left staged")
