"""`TypedClient`: refused at construction for an undeclared callee; the path from the callee's route, the
body from its request model, the answer validated into its response model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from shared.declarations import Auth, Function, Layer, Route, Schedule, Service
from shared.errors import InternalError, NotFound
from shared.typed_client import TypedClient, UndeclaredCall
from tests.kit import FakeServices

LEDGER = Service(
    "ledger",
    Layer.CORE,
    functions=(
        Function("entries-add", Route("POST", "/internal/ledgers/{ledgerId}/entries", status=201)),
        Function("entries-get", Route("GET", "/internal/ledgers/{ledgerId}/entries/{entryId}")),
        Function("close", Route("POST", "/internal/maintenance/close-ledgers", auth=Auth.SYSTEM)),
        Function("report", Route("GET", "/api/v1/ledgers/report")),
    ),
)
SHOP = Service(
    "shop",
    Layer.APPLICATION,
    functions=(
        Function("checkout", Route("POST", "/api/v1/checkout"), calls=("ledger",)),
        Function("nightly", Schedule("rate(1 day)")),
    ),
)
STRANGER = Service("stranger", Layer.APPLICATION, functions=(Function("x", Route("GET", "/api/v1/x")),))


class NewEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    amount_cents: int = Field(alias="amountCents")
    memo: str | None = None


class Entry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    entry_id: str = Field(alias="entryId")
    amount_cents: int = Field(alias="amountCents")


class Closed(BaseModel):
    closed: int


class LedgerClient(TypedClient):
    callee = LEDGER

    def entries_add(self, ledger_id: str, body: NewEntry) -> Entry:
        return self._send("entries-add", Entry, body, path={"ledgerId": ledger_id})

    def entries_get(self, ledger_id: str, entry_id: str, *, expand: bool | None = None) -> Entry:
        path = {"ledgerId": ledger_id, "entryId": entry_id}
        return self._send("entries-get", Entry, path=path, query={"expand": expand})

    def close(self, *, system_token: str) -> Closed:
        return self._send("close", Closed, system_token=system_token)

    def report(self) -> Entry:  # a user route: not for services
        return self._send("report", Entry)


def test_a_client_for_a_callee_the_caller_does_not_declare_is_refused_at_construction() -> None:
    with pytest.raises(UndeclaredCall, match=r"stranger does not declare calls to ledger"):
        LedgerClient(STRANGER)


def test_a_client_for_a_declared_callee_or_for_the_service_itself_is_made() -> None:
    LedgerClient(SHOP)
    LedgerClient(LEDGER)


def fake_ledger(answer: Any) -> FakeServices:
    return FakeServices().on("ledger", "POST", r"/internal/.*", answer).on("ledger", "GET", r"/.*", answer)


def test_the_path_comes_from_the_route_and_the_body_from_the_request_model() -> None:
    fake = fake_ledger(lambda r, b: {"entryId": "e_1", "amountCents": b["amountCents"], "extra": True})
    entry = LedgerClient(SHOP, transport=fake).entries_add("l/1 ?", NewEntry(amount_cents=250))
    assert entry == Entry(entry_id="e_1", amount_cents=250)
    [sent] = fake.requests
    assert (sent.service, sent.method, sent.path) == (
        "ledger",
        "POST",
        "/internal/ledgers/l%2F1%20%3F/entries",
    )
    assert json.loads(sent.body or b"") == {"amountCents": 250}  # by alias, no nulls
    assert sent.headers["x-service-name"] == "shop"


def test_query_values_are_sent_as_strings_and_absent_ones_not_at_all() -> None:
    fake = fake_ledger(lambda r, b: {"entryId": "e_2", "amountCents": 1})
    client = LedgerClient(SHOP, transport=fake)
    client.entries_get("l_1", "e_2")
    client.entries_get("l_1", "e_2", expand=True)
    assert [(r.path, r.query, r.body) for r in fake.requests] == [
        ("/internal/ledgers/l_1/entries/e_2", {}, None),
        ("/internal/ledgers/l_1/entries/e_2", {"expand": "true"}, None),
    ]


def test_a_maintenance_route_sends_the_system_token() -> None:
    fake = fake_ledger(lambda r, b: {"closed": 3})
    assert LedgerClient(SHOP, transport=fake).close(system_token="sys-1") == Closed(closed=3)
    assert fake.requests[0].headers["x-system-token"] == "sys-1"


def test_an_answer_outside_the_response_model_is_an_internal_error_not_the_callers_fault() -> None:
    fake = fake_ledger(lambda r, b: {"entryId": "e_3"})
    with pytest.raises(InternalError, match="ledger-entries-add answered outside its Entry model"):
        LedgerClient(SHOP, transport=fake).entries_add("l_1", NewEntry(amount_cents=1))


def test_the_callees_typed_errors_come_through_as_they_are() -> None:
    fake = fake_ledger(lambda r, b: (404, {"code": "NOT_FOUND", "message": "no such entry"}))
    with pytest.raises(NotFound, match="no such entry"):
        LedgerClient(SHOP, transport=fake).entries_get("l_1", "e_404")


def test_only_internal_routes_are_called() -> None:
    with pytest.raises(TypeError, match="not an internal route"):
        LedgerClient(SHOP, transport=FakeServices()).report()
