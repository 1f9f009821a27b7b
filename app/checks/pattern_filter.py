"""The element detection's per-text memo of the pattern filter (app/rulebook/pattern_filter.py).

Why a memo: an edited letter is re-checked on every pause in typing and most of its sentences
are unchanged, so a sentence's bit set is kept per text (cleared with the other text caches).
"""

from __future__ import annotations

from app.checks.caching import text_cache
from app.rulebook.pattern_filter import PatternFilter

__all__ = ["PatternFilter", "bits"]


@text_cache(maxsize=50_000)
def bits(pattern_filter: PatternFilter, text: str) -> int:
    """`pattern_filter.may_match(text)`, kept per text (sentences repeat across re-checks)."""
    return pattern_filter.may_match(text)
