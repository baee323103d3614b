"""A small in-container cache: bounded size, per-entry TTL, thread-safe. For hot reads (a tenant, a role
set) that may be a few seconds stale; anything that must be exact on the next request is not cached."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(
        self, maxsize: int = 1024, ttl: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.maxsize, self.ttl = maxsize, ttl
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires <= self._clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = (self._clock() + self.ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        """Whether `key` has a live entry (a cached `None` is an answer too)."""
        with self._lock:
            found = self._items.get(key)  # type: ignore[arg-type]
            return found is not None and found[0] > self._clock()

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        found = self.get(key)
        if found is None:
            found = load()
            self.put(key, found)
        return found

    def invalidate(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
