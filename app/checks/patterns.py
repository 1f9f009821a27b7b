"""Compiled regexes for rule files, compiled once per pattern and shared by every check run.

Rule files hold regexes as strings (so the rulebook stays plain, frozen data); the checks ask
here for the compiled form. The cache is keyed by (pattern, ignorecase), so two rules sharing
a pattern share the compiled object, and a check run never compiles anything twice.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.rulebook.common import compile_regex


@lru_cache(maxsize=8192)
def compiled(pattern: str, ignorecase: bool = True) -> re.Pattern[str]:
    """The compiled form of a rule regex (case-insensitive and multi-line by default)."""
    return compile_regex(pattern, ignorecase=ignorecase)


def compiled_all(patterns: list[str] | tuple[str, ...], ignorecase: bool = True) -> tuple[re.Pattern[str], ...]:
    """Compile a list of rule regexes (cached per pattern)."""
    return tuple(compiled(p, ignorecase) for p in patterns)


@lru_cache(maxsize=2048)
def _union(patterns: tuple[str, ...], ignorecase: bool, named: bool) -> re.Pattern[str] | None:
    parts = [f"(?P<p{i}>{p})" if named else f"(?:{p})" for i, p in enumerate(patterns)]
    # When every pattern starts at a word boundary, test the boundary once before the branches:
    # the same matches, but most positions (inside words) are rejected at once.
    lead = r"\b" if patterns and all(p.startswith(r"\b") for p in patterns) else ""
    try:
        return compile_regex(lead + "(?:" + "|".join(parts) + ")", ignorecase=ignorecase)
    except ValueError:  # e.g. a pattern with its own group names or global flags: use them one by one
        return None


def union(patterns: list[str] | tuple[str, ...], ignorecase: bool = True, *, named: bool = False) -> re.Pattern[str] | None:
    """All patterns as one alternation (one pass over the text instead of one per pattern).

    With `named=True` each alternative is the group `p<index>`, so `m.lastgroup` tells which
    pattern matched. None when the patterns cannot be joined; callers then run them one by one.
    """
    return _union(tuple(patterns), ignorecase, named)


def finditer(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every non-empty match of `pattern` in `text`, in order (an empty match flags nothing)."""
    return [m for m in pattern.finditer(text) if m.end() > m.start()]
