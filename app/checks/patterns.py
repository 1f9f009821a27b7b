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
    try:
        return compile_regex("|".join(parts), ignorecase=ignorecase)
    except ValueError:  # e.g. a pattern with its own group names or global flags: use them one by one
        return None


def union(patterns: list[str] | tuple[str, ...], ignorecase: bool = True, *, named: bool = False) -> re.Pattern[str] | None:
    """All patterns as one alternation (one pass over the text instead of one per pattern).

    With `named=True` each alternative is the group `p<index>`, so `m.lastgroup` tells which
    pattern matched. None when the patterns cannot be joined; callers then run them one by one.
    """
    return _union(tuple(patterns), ignorecase, named)


def present(patterns: list[str] | tuple[str, ...], low: str | None) -> tuple[int, ...] | None:
    """Indices of the patterns that may match the folded text `low` (app/checks/prefilter.py).

    A pattern none of whose required literals occurs in the text cannot match anywhere in it,
    so leaving it out of an alternation changes no match of the others: the alternation of the
    remaining patterns finds exactly the same matches. None when every pattern must stay (or
    dropping one could renumber groups a back-reference points at).
    """
    from app.checks.prefilter import has_backrefs, may_match, required_literals

    if low is None or any(has_backrefs(p) for p in patterns):
        return None
    keep = tuple(i for i, p in enumerate(patterns) if may_match(required_literals(p), low))
    return None if len(keep) == len(patterns) else keep


@lru_cache(maxsize=4096)
def _subunion(patterns: tuple[str, ...], keep: tuple[int, ...], ignorecase: bool, named: bool) -> re.Pattern[str] | None:
    parts = [f"(?P<p{i}>{patterns[i]})" if named else f"(?:{patterns[i]})" for i in keep]
    try:
        return compile_regex("|".join(parts), ignorecase=ignorecase)
    except ValueError:
        return None


def union_present(patterns: list[str] | tuple[str, ...], low: str | None, ignorecase: bool = True, *,
                  named: bool = False) -> tuple[re.Pattern[str] | None, tuple[int, ...]]:
    """`union` of only the patterns that may match the folded text (same matches, fewer to try).

    Returns (pattern or None, indices kept); with `named=True` the groups keep their original
    `p<index>` names. An empty index tuple means nothing can match.
    """
    keep = present(patterns, low)
    if keep is None:
        return union(patterns, ignorecase, named=named), tuple(range(len(patterns)))
    if not keep:
        return None, keep
    if union(patterns, ignorecase, named=named) is None:  # could not be joined at all: the caller runs them one by one
        return None, keep
    return _subunion(tuple(patterns), keep, ignorecase, named), keep
