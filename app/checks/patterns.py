"""Compiled regexes for rule files, compiled once per pattern and shared by every check run.

Rule files hold regexes as strings (so the rulebook stays plain, frozen data); the checks ask
here for the compiled form. The cache is keyed by (pattern, ignorecase), so two rules sharing
a pattern share the compiled object, and a check run never compiles anything twice.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.rulebook.basics import compile_regex


@lru_cache(maxsize=8192)
def compiled(pattern: str, ignorecase: bool = True) -> re.Pattern[str]:
    """The compiled form of a rule regex (case-insensitive and multi-line by default)."""
    return compile_regex(pattern, ignorecase=ignorecase)


def compiled_all(
    patterns: list[str] | tuple[str, ...], ignorecase: bool = True
) -> tuple[re.Pattern[str], ...]:
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
    except (
        ValueError
    ):  # e.g. a pattern with its own group names or global flags: use them one by one
        return None


def finditer(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every non-empty match of `pattern` in `text`, in order (an empty match flags nothing)."""
    return [m for m in pattern.finditer(text) if m.end() > m.start()]


# --------------------------------------------------------------------------- required literals
#
# A rule's alternation is tried at every word boundary of a letter, and most of its alternatives
# cannot occur in a given letter at all: an alternative none of whose required literals
# (app/rulebook/literals.py) is in the letter is left out of the alternation, which changes no
# match of the others.


def union_of(
    patterns: list[str] | tuple[str, ...],
    keep: tuple[int, ...],
    ignorecase: bool = True,
    *,
    named: bool = False,
) -> re.Pattern[str] | None:
    """The alternation of `patterns[i] for i in keep` (named groups keep their `p<i>` index)."""
    return _subunion(tuple(patterns), keep, ignorecase, named)


@lru_cache(maxsize=4096)
def _subunion(
    patterns: tuple[str, ...], keep: tuple[int, ...], ignorecase: bool, named: bool
) -> re.Pattern[str] | None:
    if len(keep) == len(patterns):
        return _union(patterns, ignorecase, named)
    if not keep:
        return None
    parts = [f"(?P<p{i}>{patterns[i]})" if named else f"(?:{patterns[i]})" for i in keep]
    lead = r"\b" if all(patterns[i].startswith(r"\b") for i in keep) else ""
    try:
        return compile_regex(lead + "(?:" + "|".join(parts) + ")", ignorecase=ignorecase)
    except ValueError:
        return None
