"""Which patterns of a fixed set may match a sentence, found in one pass over it (PatternGate).

Why: a letter fits the responder's own sentences (the remediation) with rule regexes: a sentence a
forbidden element's detector finds is left out (Massachusetts), a step's alternative wording is
used where a sentence says the step is done, a regulator abroad is left out of a US letter. Most
sentences hold none of the literals those patterns' matches need (app/rulebook/literals.py), so
the rules' pattern filter (app/rulebook/pattern_filter.py, the one the element detection uses),
built once per set, finds in one pass over a letter's sentences which patterns may match each;
only those are run. A sentence holding none of the literals costs no regex. The literals only
ever rule a pattern out where it cannot match: a pattern that may match is run, so the regexes
alone decide what the letter says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from app.rulebook.common import compile_regex
from app.rulebook.pattern_filter import PatternFilter, indices


class PatternGate:
    """A fixed set of rule patterns, compiled, with the filter of the literals their matches need.

    Pattern i is bit i of the bit sets `bits_each` answers. Immutable after construction, so
    request threads may share one."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(dict.fromkeys(patterns))
        self.bit = {p: 1 << i for i, p in enumerate(self.patterns)}
        self._regexes = tuple(compile_regex(p) for p in self.patterns)
        # A pattern with no literal of three characters or more is slow to run (every position
        # is tried): its shorter literals are worth testing first.
        self._filter = PatternFilter(self.patterns, fallback=1)

    def bits_each(self, texts: Sequence[str]) -> list[int]:
        """For each of `texts`, the bit set of the patterns that may match it (one pass)."""
        return self._filter.may_match_each(texts)

    def _named(self, bits: int) -> frozenset[str]:
        return frozenset(self.patterns[i] for i in indices(bits))

    def may_match(self, text: str) -> frozenset[str]:
        """The patterns that may match somewhere in `text`: every other one cannot (one of its
        required clauses has none of its literals there)."""
        return self._named(self._filter.may_match(text))

    def may_match_each(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """`may_match` of each of `texts`, from one pass over them all."""
        return [self._named(b) for b in self.bits_each(texts)]

    def regex(self, pattern: str) -> re.Pattern[str]:
        """The compiled form of one of the set's patterns."""
        return self._regexes[self.patterns.index(pattern)]

    def finds(self, text: str, bits: int) -> bool:
        """True when one of the patterns of `bits` (a bit set `bits_each` gave for `text`, or a
        part of it) matches in `text`."""
        return any(self._regexes[i].search(text) for i in indices(bits))

    def search(self, text: str) -> bool:
        """True when one of the patterns matches in `text`."""
        return self.finds(text, self._filter.may_match(text))

    def matches(self, texts: Sequence[str]) -> list[bool]:
        """For each of `texts`, whether one of the patterns matches in it."""
        return [self.finds(t, b) for t, b in zip(texts, self.bits_each(texts), strict=True)]


@lru_cache(maxsize=256)
def gate(patterns: tuple[str, ...]) -> PatternGate:
    """The gate of `patterns`, built once per set (a rulebook's or a content file's patterns are
    the same for every letter drafted from them)."""
    return PatternGate(patterns)
