"""The event catalog and envelope: every seed 000 type has a schema and a sample; publishing validates."""

from __future__ import annotations

import json

import pytest

from shared import context
from shared.context import RequestContext, UserContext
from shared.events import catalog, publisher
from shared.events.model import ServiceEvent
from tests.conftest import load_event

SEED_000_TYPES = {
    "user.created", "user.updated", "user.deleted", "user.activated", "user.suspended", "user.login",
    "user.logout", "user.password_changed", "tenant.created", "tenant.updated", "tenant.suspended",
    "tenant.quota_exceeded", "tenant.plan_changed", "file.uploaded", "file.downloaded", "file.deleted",
    "file.virus_detected", "file.quota_warning", "system.service_started", "system.service_stopped",
    "system.health_changed", "system.job_started", "system.job_completed", "system.job_failed",
}  # fmt: skip


STRATUS_TYPES = {
    "rbac.role_changed",
    "config.changed",
    "user.mfa_enabled",
    "user.mfa_disabled",
    "tenant.export_requested",
    "tenant.deleting",
    "tenant.purge_progress",
    "tenant.deleted",
}
# Identity, completed (docs/identity.md): verification, password reset and invitations.
STRATUS_TYPES |= {"user.verified", "user.password_reset_requested", "user.invited", "user.invitation_revoked"}
# Apps (docs/apps.md): a tenant enables or disables an app.
STRATUS_TYPES |= {"tenant.service_enabled", "tenant.service_disabled"}
# Real-time push (docs/realtime.md): an in-app notification landed, for the realtime service to push.
STRATUS_TYPES |= {"notification.created"}
# The marketplace app (docs/marketplace.md): catalog, orders and payments.
STRATUS_TYPES |= {"product.created", "product.updated", "product.deleted", "product.certified"}
STRATUS_TYPES |= {"product.certification_requested", "search.index_rebuild_requested"}
STRATUS_TYPES |= {"order.created", "order.paid", "order.cancelled"}
STRATUS_TYPES |= {"payment.succeeded", "payment.failed", "payment.refunded", "payout.processed"}
# The health app (docs/health.md): alerts, audited reads by experts, consent grants, weekly reports.
STRATUS_TYPES |= {"health.alert", "health.data_accessed", "health.access_granted", "health.report_requested"}
# Apps ask the realtime service (their own layer) for a push over the bus (docs/realtime.md).
STRATUS_TYPES |= {"realtime.push_requested"}


def test_the_catalog_has_every_seed_000_type_plus_stratus_own() -> None:
    assert set(catalog.event_types()) == SEED_000_TYPES | STRATUS_TYPES


@pytest.mark.parametrize("event_type", sorted(SEED_000_TYPES | STRATUS_TYPES))
def test_each_sample_validates_against_its_schema(event_type: str) -> None:
    catalog.validate(event_type, catalog.sample(event_type))


def test_data_that_breaks_the_schema_is_refused_before_it_reaches_the_bus() -> None:
    with pytest.raises(catalog.EventSchemaViolation, match=r"user\.created"):
        publisher.build("user.created", {"userId": "u_1"}, source="users")


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(catalog.UnknownEventType):
        publisher.build("user.teleported", {}, source="users")


def test_a_published_event_carries_the_requests_ids_and_user() -> None:
    user = UserContext(user_id="u_1", tenant_id="acme-corp", session_id="s_1")
    ctx = RequestContext(
        request_id="req_1", correlation_id="cor_1", service="auth", user=user, tenant_id="acme-corp",
        source_ip="203.0.113.7", user_agent="test/1.0",
    )  # fmt: skip
    with context.bound(ctx):
        event = publisher.build("user.logout", {"userId": "u_1", "sessionId": "s_1"})
    assert (event.source, event.tenant_id, event.user_id, event.correlation_id) == (
        "auth",
        "acme-corp",
        "u_1",
        "cor_1",
    )
    assert event.metadata.request_id == "req_1"
    assert event.metadata.session_id == "s_1"
    assert event.metadata.source_ip == "203.0.113.7"
    entry = event.to_put_events_entry("bus")
    assert entry["Source"] == "stratus.auth"
    assert entry["DetailType"] == "user.logout"
    assert json.loads(entry["Detail"])["metadata"]["requestId"] == "req_1"


def test_the_envelope_maps_one_to_one_onto_cloudevents() -> None:
    event = ServiceEvent(
        type="tenant.created", source="tenants", tenant_id="acme-corp", user_id="u_1", correlation_id="c",
        causation_id="e0", data=catalog.sample("tenant.created"),
    )  # fmt: skip
    cloud = event.to_cloudevent()
    assert cloud["specversion"] == "1.0"
    assert cloud["source"] == "stratus.tenants"
    data = cloud.pop("data")
    assert ServiceEvent.from_cloudevent(cloud, data) == event


def test_an_sqs_record_body_is_an_eventbridge_event_around_ours() -> None:
    body = load_event("sqs_user_created")["Records"][0]["body"]
    event = ServiceEvent.from_sqs_body(body)
    assert (event.id, event.type, event.tenant_id) == ("evt_fixture_1", "user.created", "acme-corp")
