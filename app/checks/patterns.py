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
