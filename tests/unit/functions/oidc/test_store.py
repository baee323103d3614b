"""The single-use and rotation guarantees live in DynamoDB conditions, so that two racing requests cannot
both win: one redemption per code, one rotation per refresh secret."""

from __future__ import annotations

import time

import pytest

from functions.oidc import store


def _code(**overrides: object) -> store.CodeRecord:
    fields: dict[str, object] = {
        "tenant_id": "acme",
        "client_id": "cli_a",
        "redirect_uri": "https://a.example/cb",
        "scope": "openid",
        "user_id": "u_1",
        "code_challenge": "c" * 43,
        "code_challenge_method": "S256",
        "nonce": None,
        "auth_time": int(time.time()),
        "grant_id": "grt_1",
        "expires_at": int(time.time()) + 300,
        **overrides,
    }
    return store.CodeRecord(**fields)  # type: ignore[arg-type]


def test_a_code_is_redeemed_once_by_its_own_client_before_it_expires() -> None:
    now = int(time.time())
    store.put_code("h1", _code())
    with pytest.raises(store.ConditionFailed):
        store.redeem_code("acme", "h1", "cli_b", now)  # another client
    assert store.redeem_code("acme", "h1", "cli_a", now).used_at == now
    with pytest.raises(store.ConditionFailed):
        store.redeem_code("acme", "h1", "cli_a", now)  # the second redemption loses
    store.put_code("h2", _code(expires_at=now - 1))
    with pytest.raises(store.ConditionFailed):
        store.redeem_code("acme", "h2", "cli_a", now)  # expired
    with pytest.raises(store.ConditionFailed):
        store.redeem_code("globex", "h1", "cli_a", now)  # the same hash names nothing in another tenant


def test_two_rotations_of_one_refresh_secret_one_wins() -> None:
    grant = store.GrantRecord(
        "acme", "grt_1", "cli_a", "u_1", "openid", 0, "old", (), False, int(time.time()) + 60
    )
    store.create_grant(grant)
    store.rotate("acme", "grt_1", "old", "new-1", grant.expires_at)
    with pytest.raises(store.ConditionFailed):
        store.rotate("acme", "grt_1", "old", "new-2", grant.expires_at)
    found = store.grant("acme", "grt_1")
    assert found is not None
    assert found.refresh_hash == "new-1"
    assert found.previous_hashes == ("old",)


def test_a_revoked_grant_cannot_be_opened_or_rotated() -> None:
    store.revoke_grant("acme", "grt_2", int(time.time()) + 60)  # a replayed code revoked it first
    assert store.grant_revoked("acme", "grt_2")
    grant = store.GrantRecord(
        "acme", "grt_2", "cli_a", "u_1", "openid", 0, "h", (), False, int(time.time()) + 60
    )
    with pytest.raises(store.ConditionFailed):
        store.create_grant(grant)
