"""Per-text caches of the checks, in one place: declared with `text_cache`, cleared with `clear`.

Why: an edited letter is re-checked on every pause in typing, and most of its sentences are
unchanged, so results that depend only on a piece of text (its segmentation, a sentence's
syllable counts) are worth keeping. Each cache is a `functools.lru_cache` (bounded, and safe
to read, fill and clear from several threads at once); `clear()` empties all of them, so a
benchmark can measure what a never-seen letter costs without knowing which caches exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def text_cache(maxsize: int) -> Callable[[F], F]:
    """Decorator: an `lru_cache(maxsize)` registered for `clear()`. Only for pure functions of text."""

    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def clear() -> None:
    """Empty every per-text cache (the rulebook's compiled regexes stay: they depend on the rules)."""
    for cached in _CACHES:
        cached.cache_clear()
