"""The connections table: a connection's rows from $connect to $disconnect, and who a push reaches."""

from __future__ import annotations

import time

import pytest

from functions.realtime import store


def opened(
    connection_id: str, tenant: str = "acme", user: str = "u_1", session: str = "s_1"
) -> store.Connection:
    store.add_pending(connection_id, time.time() + 10)
    assert store.open_connection(connection_id, tenant, user, session, ("realtime.subscribe",))
    found = store.get(connection_id)
    assert found is not None
    return found


def test_a_pending_connection_opens_once() -> None:
    # GIVEN a connection that has not authenticated
    store.add_pending("c1", time.time() + 10)
    pending = store.get("c1")
    assert pending is not None
    assert not pending.open
    assert pending.tenant_id is None
    # WHEN it authenticates THEN it is open, under its tenant and user
    assert store.open_connection("c1", "acme", "u_1", "s_1", ("realtime.subscribe",))
    found = store.get("c1")
    assert found is not None
    assert found.open
    assert (found.tenant_id, found.user_id) == ("acme", "u_1")
    assert store.user_connections("acme", "u_1") == [("c1", "s_1")]
    # AND a second auth on it changes nothing
    assert not store.open_connection("c1", "globex", "u_2", "s_2", ())
    assert store.user_connections("globex", "u_2") == []


def test_a_closed_connection_cannot_be_opened() -> None:
    assert not store.open_connection("never-connected", "acme", "u_1", "s_1", ())
    assert store.count_open("acme") == 0


def test_channels_are_per_tenant() -> None:
    # GIVEN a connection of acme and one of globex on channels of the same name
    acme, globex = opened("a1", "acme"), opened("g1", "globex", user="u_9")
    assert store.subscribe(acme, "attendance")
    assert store.subscribe(globex, "attendance")
    # THEN each tenant's channel lists only its own connection
    assert store.channel_connections("acme", "attendance") == ["a1"]
    assert store.channel_connections("globex", "attendance") == ["g1"]
    store.unsubscribe(acme, "attendance")
    assert store.channel_connections("acme", "attendance") == []


def test_removing_a_connection_leaves_no_row() -> None:
    conn = opened("c1")
    assert store.subscribe(conn, "a")
    assert store.subscribe(store.get("c1") or conn, "b")
    store.remove("c1")
    assert store.get("c1") is None
    assert store.count_open("acme") == 0
    assert store.channel_connections("acme", "a") == []
    assert store.channel_connections("acme", "b") == []
    store.remove("c1")  # a second $disconnect (or a 410 after it) finds nothing and fails nothing


def test_the_tenants_count_is_its_open_connections() -> None:
    for n in range(3):
        opened(f"c{n}", user=f"u_{n}")
    store.add_pending("p1", time.time() + 10)  # not counted: no tenant yet
    opened("x1", "globex")
    assert store.count_open("acme") == 3
    assert sorted(store.tenant_connections("acme")) == ["c0", "c1", "c2"]


def test_a_connection_holds_a_bounded_number_of_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "MAX_CHANNELS", 2)
    conn = opened("c1")
    assert store.subscribe(conn, "a")
    assert store.subscribe(conn, "b")
    assert not store.subscribe(conn, "c")
    assert store.subscribe(conn, "a")  # one it holds already is fine
    assert store.channel_connections("acme", "c") == []


def test_a_tenant_id_cannot_forge_a_key() -> None:
    with pytest.raises(ValueError, match="not a tenant id"):
        store.count_open("acme#CONNS")


def test_overdue_pending_connections_are_found_by_their_deadline() -> None:
    store.add_pending("late", time.time() - 1)
    store.add_pending("early", time.time() + 60)
    opened("done")
    assert store.overdue(time.time()) == ["late"]
