"""The batched loader: announced keys are fetched together on the first load; answers and failures are
kept for the request."""

from __future__ import annotations

import pytest

from functions.graphql.loaders import BATCH_LIMIT, Loader
from shared.errors import PermissionDenied


def test_announced_keys_are_fetched_in_one_batch() -> None:
    batches: list[list[str]] = []
    loader: Loader[str, str] = Loader(lambda keys: batches.append(keys) or {k: k.upper() for k in keys})
    loader.expect(["a", "b", "a", "c"])
    assert [loader.load(k) for k in ("a", "b", "c", "b")] == ["A", "B", "C", "B"]
    assert batches == [["a", "b", "c"]]


def test_an_unknown_key_is_none_and_not_asked_again() -> None:
    batches: list[list[str]] = []
    loader: Loader[str, str] = Loader(lambda keys: batches.append(keys) or {})
    assert loader.load("x") is None
    assert loader.load("x") is None
    assert batches == [["x"]]


def test_a_failed_batch_fails_each_of_its_keys_once() -> None:
    batches: list[list[str]] = []

    def refuse(keys: list[str]) -> dict[str, str]:
        batches.append(keys)
        raise PermissionDenied("Requires user.read")

    loader: Loader[str, str] = Loader(refuse)
    loader.expect(["a", "b"])
    for key in ("a", "b", "a"):
        with pytest.raises(PermissionDenied):
            loader.load(key)
    assert batches == [["a", "b"]]


def test_a_batch_over_the_limit_is_split() -> None:
    batches: list[list[int]] = []
    loader: Loader[int, int] = Loader(lambda keys: batches.append(keys) or {k: k for k in keys})
    loader.expect(range(BATCH_LIMIT + 1))
    assert loader.load(0) == 0
    assert [len(b) for b in batches] == [BATCH_LIMIT, 1]
