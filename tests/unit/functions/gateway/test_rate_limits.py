"""Rate limits: per-stage overrides, a typo is an error, and buckets that are fair within a tenant."""

from __future__ import annotations

import json

import pytest

from functions.gateway import rate_limits
from shared.errors import RateLimited


def test_a_stage_overrides_one_class_and_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_RATE_LIMITS", '{"files": [500, 60]}')
    assert rate_limits.limits()["files"] == (500, 60, 5000)
    assert rate_limits.limits()["auth"] == (100, 900, 1000)


def test_a_stage_can_set_the_tenant_bucket_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_RATE_LIMITS", '{"tenant": [5, 60, 7]}')
    assert rate_limits.limits()["tenant"] == (5, 60, 7)


@pytest.mark.parametrize("config", ['{"file": [500, 60]}', '{"files": [500]}', '{"files": 5}'])
def test_an_unknown_class_or_a_malformed_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    monkeypatch.setenv("STRATUS_RATE_LIMITS", config)
    with pytest.raises(ValueError, match="STRATUS_RATE_LIMITS"):
        rate_limits.limits()


def test_one_member_exhausting_its_bucket_leaves_the_tenant_admin_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN files limits of 3 per principal and 5 per tenant
    monkeypatch.setenv("STRATUS_RATE_LIMITS", json.dumps({"files": [3, 60, 5]}))
    # WHEN one member lists files 10 times
    refusals: list[RateLimited] = []
    for _ in range(10):
        try:
            rate_limits.hit_principal("acme", "USER", "u_member", "/api/v1/files")
        except RateLimited as exc:
            refusals.append(exc)
    # THEN the member is limited after its own 3, and its refused calls never counted for the tenant
    assert len(refusals) == 7
    assert {exc.details["scope"] for exc in refusals} == {"caller"}
    assert all(int(exc.headers["Retry-After"]) > 0 for exc in refusals)
    # AND the tenant admin still has the tenant's remaining 2 requests
    rate_limits.hit_principal("acme", "USER", "u_admin", "/api/v1/files/upload")
    rate_limits.hit_principal("acme", "USER", "u_admin", "/api/v1/files/upload")
    # AND the tenant's own ceiling still holds across members
    with pytest.raises(RateLimited) as caught:
        rate_limits.hit_principal("acme", "USER", "u_third", "/api/v1/files")
    assert caught.value.details["scope"] == "tenant"


def test_buckets_are_per_tenant_and_per_route_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_RATE_LIMITS", json.dumps({"files": [1, 60], "tenant": [1, 60]}))
    rate_limits.hit_principal("acme", "USER", "u_1", "/api/v1/files")
    # the same user id in another tenant, and another route class, have their own buckets
    rate_limits.hit_principal("globex", "USER", "u_1", "/api/v1/files")
    rate_limits.hit_principal("acme", "USER", "u_1", "/api/v1/users/me")
    with pytest.raises(RateLimited):
        rate_limits.hit_principal("acme", "USER", "u_1", "/api/v1/files/f_1")
