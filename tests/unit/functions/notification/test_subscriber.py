"""The subscriber: which message each event sends, to whom, on which channels, and exactly once."""

from __future__ import annotations

import pytest

from functions.notification import ports, subscriber
from functions.notification.ports import Delivery, RecipientRecord
from shared.config import settings
from shared.events.subscriber import Subscriber
from tests.kit import deliver, event
from tests.unit.functions.notification.conftest import (
    given_users,
    inbox_items,
    mail_to,
    sent_mail,
    sent_sms,
    user_created,
)
from tests.unit.functions.notification.fakes import FakeProviders


@pytest.fixture
def ses_refuses(providers: FakeProviders) -> set[str]:
    """Addresses SES refuses to send to (a throttle), until a test takes them out of the set."""
    return providers.refused


def admins_of(tenant: str) -> list[str]:
    return sorted(admin.user_id for admin in ports.store().admins(tenant))


def status_of(tenant: str, key: str, target: str) -> str | None:
    record = ports.store().delivery(Delivery(tenant, key, target))
    return record.status if record else None


def counts(tenant: str, user_id: str) -> tuple[int, int]:
    return ports.inbox().counts(tenant, user_id)


# --- welcome and preferences -------------------------------------------------------------------------
def test_user_created_sends_a_welcome_email_and_an_inbox_item() -> None:
    # WHEN a user registers
    assert deliver(subscriber, [user_created("u_jane", "jane@acme.io", profile={"name": "Jane Doe"})]) == []
    # THEN they get one welcome email from the platform's sender, and one unread inbox item
    [mail] = sent_mail()
    assert mail.to == ["jane@acme.io"]
    assert mail.sender == "no-reply@stratus.local"
    assert mail.subject == "Welcome to acme"
    assert "Hello Jane Doe," in mail.body
    [item] = inbox_items("acme", "u_jane")
    assert (item["type"], item["title"], item["read"]) == ("welcome", "Welcome to acme", False)
    assert counts("acme", "u_jane") == (1, 1)
    # AND no SMS (off by default, and no phone anyway)
    assert sent_sms() == []


def test_the_same_event_delivered_twice_sends_nothing_twice() -> None:
    # GIVEN a welcome already delivered
    created = user_created("u_jane", "jane@acme.io")
    assert deliver(subscriber, [created]) == []
    # WHEN SQS delivers it again, with the kernel's once-per-event-id memory bypassed (as when a handler
    # failed half-way: the kernel forgets the event id and the whole handler runs again)
    bypass = property(lambda kernel: kernel._dispatch)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Subscriber, "_once", bypass)
        assert deliver(subscriber, [created, created]) == []
    # THEN still one email, one inbox item, one count
    assert len(mail_to("jane@acme.io")) == 1
    assert len(inbox_items("acme", "u_jane")) == 1
    assert counts("acme", "u_jane") == (1, 1)


def test_preferences_decide_the_channels(ses_refuses: set[str]) -> None:
    # GIVEN jane (email off), bob (in-app off) and carol (SMS on, with a phone) in the projection
    given_users(
        user_created("u_jane", "jane@acme.io"),
        user_created("u_bob", "bob@acme.io"),
        user_created("u_carol", "carol@acme.io", profile={"phone": "+44 7700 900123"}),
    )
    ports.store().set_preferences("acme", "u_jane", {"email": False})
    ports.store().set_preferences("acme", "u_bob", {"inApp": False})
    ports.store().set_preferences("acme", "u_carol", {"sms": True})
    before = {u: len(inbox_items("acme", u)) for u in ("u_jane", "u_bob", "u_carol")}
    # WHEN each changes their password
    changed = [
        event(
            "user.password_changed",
            {"userId": u, "email": f"{n}@acme.io", "changedAt": "2026-01-01T00:00:00Z"},
        )
        for u, n in (("u_jane", "jane"), ("u_bob", "bob"), ("u_carol", "carol"))
    ]
    assert deliver(subscriber, changed) == []
    # THEN jane gets no email but an inbox item; bob an email but no item; carol all three
    notices = [m for m in sent_mail() if m.subject == "Your password was changed"]
    assert sorted(a for m in notices for a in m.to) == ["bob@acme.io", "carol@acme.io"]
    after = {u: len(inbox_items("acme", u)) for u in before}
    assert {u: after[u] - before[u] for u in before} == {"u_jane": 1, "u_bob": 0, "u_carol": 1}
    [(phone, text)] = sent_sms()
    assert phone == "+447700900123"
    assert text.startswith("Your password was changed")
    # AND the skipped channels are recorded as skipped, the sent ones as sent with the provider's id
    assert status_of("acme", changed[0].id, "email#u_jane") == "skipped"
    assert status_of("acme", changed[0].id, "inApp#u_jane") == "sent"
    carol = ports.store().delivery(Delivery("acme", changed[2].id, "sms#u_carol"))
    assert carol is not None
    assert carol.status == "sent"
    assert carol.provider_id


# --- admin alerts ------------------------------------------------------------------------------------
def test_tenant_alerts_go_to_that_tenants_admins_only() -> None:
    # GIVEN admins in acme (one from its creation, one promoted later) and in globex, and an acme member
    given_users(
        user_created("u_ann", "ann@acme.io", roles=("tenant_admin",)),
        user_created("u_max", "max@acme.io"),
        user_created("u_mem", "mem@acme.io"),
        user_created("u_gus", "gus@globex.io", tenant="globex", roles=("tenant_admin",)),
        event(
            "rbac.role_changed",
            {"userId": "u_max", "role": "tenant_admin", "change": "assigned", "permissions": ["*"]},
        ),
    )
    assert admins_of("acme") == ["u_ann", "u_max"]
    # WHEN acme exceeds its storage quota, and then a virus is found in one of its files
    exceeded = event(
        "tenant.quota_exceeded",
        {
            "tenantId": "acme",
            "resourceType": "storage",
            "limit": 1073741824,
            "used": 1073741824,
            "requested": 5,
        },
        source="tenants",
    )
    virus = event(
        "file.virus_detected",
        {
            "fileId": "f_1",
            "fileName": "invoice.docm",
            "signature": "Eicar-Test",
            "quarantineKey": "q/acme/f_1",
        },
        source="files",
    )
    assert deliver(subscriber, [exceeded, virus]) == []
    # THEN both acme admins get both alerts by email and in-app; nobody else gets them
    alerts = [m for m in sent_mail() if "quota" in m.subject or "malware" in m.subject]
    assert sorted(a for m in alerts for a in m.to) == [
        "ann@acme.io",
        "ann@acme.io",
        "max@acme.io",
        "max@acme.io",
    ]
    assert "1.0 GB used of 1.0 GB" in mail_to("ann@acme.io")[1].body
    assert [i["type"] for i in inbox_items("acme", "u_max")][:2] == ["virus_detected", "quota_exceeded"]
    assert all(i["type"] == "welcome" for i in inbox_items("acme", "u_mem"))
    assert all(i["type"] == "welcome" for i in inbox_items("globex", "u_gus"))


def test_quota_warning_goes_to_admins_and_a_demoted_admin_no_longer_gets_alerts() -> None:
    given_users(
        user_created("u_ann", "ann@acme.io", roles=("tenant_admin",)),
        user_created("u_bob", "bob@acme.io", roles=("tenant_admin",)),
        event(
            "rbac.role_changed",
            {"userId": "u_bob", "role": "tenant_admin", "change": "removed", "permissions": ["*"]},
        ),
    )
    warning = event(
        "file.quota_warning",
        {"tenantId": "acme", "usedBytes": 858993459, "limitBytes": 1073741824, "percent": 80.0},
        source="files",
    )
    assert deliver(subscriber, [warning]) == []
    [mail] = [m for m in sent_mail() if "storage" in m.subject]
    assert mail.to == ["ann@acme.io"]
    assert mail.subject == "acme: storage 80% used"


def test_deleted_users_leave_the_projection_and_profile_changes_update_it() -> None:
    given_users(
        user_created("u_ann", "ann@acme.io", roles=("tenant_admin",)),
        user_created("u_bob", "bob@acme.io", roles=("tenant_admin",)),
        event("user.deleted", {"userId": "u_bob", "email": "bob@acme.io"}),
        event(
            "user.updated",
            {"userId": "u_ann", "changes": ["profile.phone"], "profile": {"phone": "+15550001111"}},
        ),
    )
    assert admins_of("acme") == ["u_ann"]
    assert ports.store().recipient("acme", "u_bob") is None
    assert ports.store().admins("acme")[0].phone == "+15550001111"


def test_tenant_created_makes_its_first_admin_an_admin() -> None:
    created = event(
        "tenant.created",
        {
            "tenantId": "initech",
            "name": "Initech",
            "plan": "free",
            "adminUserId": "u_peter",
            "adminEmail": "peter@initech.io",
            "quotas": {"storageBytes": 1, "maxUsers": 1, "maxFileBytes": 1, "apiCallsPerDay": 1},
        },
        source="tenants",
        tenant_id="initech",
    )
    given_users(created)
    assert ports.store().admins("initech") == [RecipientRecord("u_peter", email="peter@initech.io")]


def test_job_failures_go_to_platform_admins_and_the_alert_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a platform admin, an acme admin, and operators' addresses (one of them the platform admin's)
    monkeypatch.setenv("STRATUS_ALERT_EMAILS", "ops@stratus.io, root@stratus.io")
    settings.cache_clear()
    given_users(
        user_created("u_root", "root@stratus.io", tenant="platform", roles=("tenant_admin",)),
        user_created("u_ann", "ann@acme.io", roles=("tenant_admin",)),
    )
    failed = event(
        "system.job_failed",
        {
            "jobId": "job_1",
            "jobType": "usage-report",
            "durationMs": 10,
            "processedItems": 3,
            "errors": ["boom"],
        },
        source="jobs",
        tenant_id=None,
    )
    # WHEN a job fails
    assert deliver(subscriber, [failed]) == []
    # THEN the platform admin (once, though listed twice) and the operator get it; acme's admin does not
    alerts = [m for m in sent_mail() if m.subject.startswith("Job failed")]
    assert sorted(a for m in alerts for a in m.to) == ["ops@stratus.io", "root@stratus.io"]
    assert "- boom" in alerts[0].body
    assert next(i["type"] for i in inbox_items("platform", "u_root")) == "job_failed"


# --- failures and retries ----------------------------------------------------------------------------
def test_a_provider_failure_fails_only_that_message_and_the_retry_sends_only_what_failed(
    ses_refuses: set[str],
) -> None:
    # GIVEN two acme admins, and SES refusing mail to one of them
    given_users(
        user_created("u_ann", "ann@acme.io", roles=("tenant_admin",)),
        user_created("u_bob", "bob@acme.io", roles=("tenant_admin",)),
    )
    ses_refuses.add("bob@acme.io")
    exceeded = event(
        "tenant.quota_exceeded",
        {"tenantId": "acme", "resourceType": "users", "limit": 5, "used": 5},
        source="tenants",
    )
    welcome = user_created("u_cat", "cat@acme.io")
    # WHEN a batch holds the alert and an unrelated welcome
    failed = deliver(subscriber, [exceeded, welcome])
    # THEN only the alert's message comes back; the welcome went out
    assert failed == [exceeded.id]
    assert len(mail_to("cat@acme.io")) == 1
    assert status_of("acme", exceeded.id, "email#u_bob") == "failed"
    assert len(mail_to("ann@acme.io")) == 2  # welcome + the alert
    # WHEN SES recovers and the message is redelivered
    ses_refuses.clear()
    assert deliver(subscriber, [exceeded]) == []
    # THEN bob gets the alert; ann does not get it twice; nobody gets a second inbox item
    assert [m.subject for m in mail_to("bob@acme.io")] == ["Welcome to acme", "acme: users quota exceeded"]
    assert len(mail_to("ann@acme.io")) == 2
    for user_id in ("u_ann", "u_bob"):
        assert [i["type"] for i in inbox_items("acme", user_id)] == ["quota_exceeded", "welcome"]
        assert counts("acme", user_id) == (2, 2)
    assert status_of("acme", exceeded.id, "email#u_bob") == "sent"
