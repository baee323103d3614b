"""Batched loaders: a nested field of a list (each user's roles, each file's owner) costs one call for the
whole page, not one per item.

graphql-core resolves a list's items one after another (synchronously), so there is no event-loop tick
in which to gather keys as an async DataLoader does. Instead the list's resolver announces the keys its
items will ask for (`expect`) and the first `load` fetches all announced keys at once; a key nobody
announced is fetched with whatever else is pending. Answers — and a failure, so that a page of files whose
owners the caller may not read fails once, not per file — are kept for the rest of the request."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BATCH_LIMIT = 100  # what the owning services' batch routes take at once


class Loader(Generic[K, V]):
    def __init__(self, fetch: Callable[[list[K]], Mapping[K, V]]) -> None:
        self._fetch = fetch
        self._pending: dict[K, None] = {}
        self._found: dict[K, V | None] = {}
        self._failed: dict[K, Exception] = {}

    def expect(self, keys: Iterable[K]) -> None:
        """Keys the coming `load`s will ask for: fetched together on the first of them."""
        for key in keys:
            if key not in self._found and key not in self._failed:
                self._pending[key] = None

    def load(self, key: K) -> V | None:
        """The value for `key` (None: the owner has none), or the error its batch failed with."""
        if key not in self._found and key not in self._failed:
            self._pending[key] = None
            self._dispatch()
        if key in self._failed:
            raise self._failed[key]
        return self._found[key]

    def _dispatch(self) -> None:
        keys = list(self._pending)
        self._pending.clear()
        for start in range(0, len(keys), BATCH_LIMIT):
            chunk = keys[start : start + BATCH_LIMIT]
            try:
                answers = self._fetch(chunk)
            except Exception as exc:
                self._failed.update(dict.fromkeys(chunk, exc))
                continue
            self._found.update({key: answers.get(key) for key in chunk})
