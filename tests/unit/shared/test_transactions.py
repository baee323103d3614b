"""shared.transactions: pynamodb models written all or nothing, with outbox entries, against moto's
DynamoDB; and shared.ports' swapping of an adapter for a fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from shared import outbox
from shared.declarations import OUTBOX_TABLE, Table
from shared.ports import Port
from shared.tables import Item, table_meta
from shared.transactions import Cancelled, Transaction, conditionally
from stratus.provision import create_table
from tests.kit import event


class Account(Item):
    Meta = table_meta("ledger")  # type: ignore[assignment]
    balance = NumberAttribute(default=0)


class Claim(Item):
    Meta = table_meta("ledger")  # type: ignore[assignment]
    owner = UnicodeAttribute()


@pytest.fixture(autouse=True)
def _tables() -> Iterator[None]:
    with mock_aws():
        create_table(Table("ledger"))
        create_table(OUTBOX_TABLE)
        yield


def _claim(name: str, owner: str) -> Claim:
    return Claim("LEDGER", f"CLAIM#{name}", owner=owner)


def test_writes_of_several_models_and_their_event_commit_together() -> None:
    # GIVEN an account, a new claim and the event they cause
    Account("LEDGER", "ACCOUNT", balance=10).save()
    created = event(
        "user.created", {"userId": "u_1", "email": "a@acme.io", "tenantId": "acme", "roles": ["member"]}
    )
    txn = Transaction(table="ledger")
    txn.update(Account("LEDGER", "ACCOUNT"), [Account.balance.add(-3)], condition=Account.balance >= 3)
    txn.put(_claim("a", "u_1"), condition=Claim.pk.does_not_exist())
    txn.stage(created)
    # WHEN committed  THEN all of it is written, the event's entry included
    assert txn.commit() is None
    assert Account.get("LEDGER", "ACCOUNT").balance == 7
    assert Claim.get("LEDGER", "CLAIM#a").owner == "u_1"
    assert outbox.pending_count() == 1


def test_a_failed_condition_writes_nothing_and_names_the_item_that_failed() -> None:
    # GIVEN a claim already taken
    _claim("a", "u_0").save()
    Account("LEDGER", "ACCOUNT", balance=10).save()
    created = event(
        "user.created", {"userId": "u_1", "email": "a@acme.io", "tenantId": "acme", "roles": ["member"]}
    )
    txn = Transaction(table="ledger")
    debit = txn.update(Account("LEDGER", "ACCOUNT"), [Account.balance.add(-3)])
    claim = txn.put(_claim("a", "u_1"), condition=Claim.pk.does_not_exist())
    txn.stage(created)
    # WHEN committed
    cancelled = txn.commit()
    # THEN the answer names the claim, and neither the debit, the claim nor the event was written
    assert isinstance(cancelled, Cancelled)
    assert cancelled.condition_failed(claim)
    assert not cancelled.condition_failed(debit)
    assert cancelled.condition_failed()
    assert Account.get("LEDGER", "ACCOUNT").balance == 10
    assert Claim.get("LEDGER", "CLAIM#a").owner == "u_0"
    assert outbox.pending_count() == 0


def test_a_check_guards_a_write_of_another_item_and_an_undo_takes_the_event_back() -> None:
    _claim("a", "u_1").save()
    created = event(
        "user.created", {"userId": "u_1", "email": "a@acme.io", "tenantId": "acme", "roles": ["member"]}
    )
    txn = Transaction(table="ledger")
    txn.check(_claim("a", "u_1"), Claim.owner == "u_1")
    txn.put(Account("LEDGER", "ACCOUNT", balance=1))
    txn.stage(created)
    assert txn.commit() is None
    # WHEN the write is undone with its unreleased event
    undo = Transaction(table="ledger")
    undo.delete(Account("LEDGER", "ACCOUNT"), condition=Account.balance == 1)
    undo.unstage(created)
    assert undo.commit() is None
    # THEN both are gone
    assert Account.get_live("LEDGER", "ACCOUNT") is None
    assert outbox.pending_count() == 0


def test_an_empty_transaction_is_a_no_op_and_a_huge_one_is_refused() -> None:
    assert Transaction(table="ledger").commit() is None
    txn = Transaction(table="ledger")
    for n in range(100):
        txn.put(_claim(str(n), "u"))
    with pytest.raises(ValueError, match="at most 100"):
        txn.put(_claim("x", "u"))


def test_conditionally_answers_a_failed_condition_and_raises_anything_else() -> None:
    assert conditionally(lambda: _claim("a", "u_1").save(condition=Claim.pk.does_not_exist())) is True
    assert conditionally(lambda: _claim("a", "u_2").save(condition=Claim.pk.does_not_exist())) is False
    assert Claim.get("LEDGER", "CLAIM#a").owner == "u_1"
    with pytest.raises(PutError):  # not a condition: a key that is not a string
        conditionally(lambda: Claim("LEDGER", "", owner="u").save())


def test_a_port_makes_its_adapter_once_and_a_fake_takes_its_place_for_a_while() -> None:
    made: list[str] = []

    def make() -> str:
        made.append("real")
        return "real"

    port: Port[str] = Port(make)
    assert (port(), port()) == ("real", "real")
    assert made == ["real"]
    with port.replaced("fake"):
        assert port() == "fake"
    assert port() == "real"
    port.use("other")
    assert port() == "other"
    port.use(None)
    assert port() == "real"
    assert made == ["real", "real"]
