"""The in-container cache: bounded, expiring, and honest about cached absences."""

from __future__ import annotations

from shared.ttl_cache import TTLCache


def test_entries_expire_after_their_ttl() -> None:
    now = [0.0]
    cache: TTLCache[str, int] = TTLCache(maxsize=10, ttl=5, clock=lambda: now[0])
    cache.put("a", 1)
    assert cache.get("a") == 1
    now[0] = 5.0
    assert cache.get("a") is None
    assert "a" not in cache


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    cache: TTLCache[str, int] = TTLCache(maxsize=2, ttl=60)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_a_cached_none_is_an_answer_and_invalidate_forgets_it() -> None:
    cache: TTLCache[str, int | None] = TTLCache(maxsize=10, ttl=60)
    cache.put("absent", None)
    assert "absent" in cache
    cache.invalidate("absent")
    assert "absent" not in cache
