"""Which patterns of a fixed set may match a sentence, found in one pass over it (PatternGate).

Why: a letter fits the responder's own sentences (the remediation) with rule regexes: a sentence a
forbidden element's detector finds is left out (Massachusetts), a step's alternative wording is
used where a sentence says the step is done, a regulator abroad is left out of a US letter. Most
sentences hold none of the literals those patterns' matches need (app/rulebook/literals.py), so
an Aho-Corasick automaton (the `pyahocorasick` package) over every literal of the set, built once
per set, finds in one pass which patterns may match; only those are run. A sentence holding none
of the literals costs one pass and no regex. The literals only ever rule a pattern out where it
cannot match: a pattern that may match is run, so the regexes alone decide what the letter says.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

import ahocorasick

from app.rulebook.common import compile_regex
from app.rulebook.literals import fold, required_clauses

_FEW = 24
"""A set with this many literals or fewer is searched by `in`, one literal at a time: measured
here, an automaton's pass over a few sentences costs as much as ~30 `in` tests of them."""


class PatternGate:
    """A fixed set of rule patterns, compiled, with the literals their matches need.

    Immutable after construction, so request threads may share one."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(dict.fromkeys(patterns))
        self._compiled = {p: compile_regex(p) for p in self.patterns}
        clauses = {}
        for p in self.patterns:
            # A pattern with no literal of three characters or more is slow to run (every position
            # is tried): its shorter literals are worth testing first.
            clauses[p] = required_clauses(p) or required_clauses(p, 1)
        self._always = frozenset(p for p, c in clauses.items() if c is None)
        self._clauses = {p: c for p, c in clauses.items() if c is not None}
        by_key: dict[str, set[str]] = {}
        for p, found in self._clauses.items():
            for lit in found[0]:  # every match holds one of the first clause's literals
                by_key.setdefault(lit, set()).add(p)
        self._by_key = {k: frozenset(v) for k, v in by_key.items()}
        keys = {lit for found in self._clauses.values() for clause in found for lit in clause}
        # One-character keys (digits), and every key of a small set, are looked for with `in`: a
        # text has many of the former, and a few `in` tests cost less than starting an automaton.
        longer = sorted(k for k in keys if len(k) > 1)
        if len(longer) <= _FEW:
            longer = []
        self._scanned = tuple(sorted(keys.difference(longer)))
        self._breaks = any("\n" in k for k in keys)
        self._automaton: ahocorasick.Automaton | None = None
        if longer:
            self._automaton = ahocorasick.Automaton()
            for key in longer:
                self._automaton.add_word(key, key)
            self._automaton.make_automaton()

    def _found(self, low: str) -> set[str]:
        """The set's literals that occur in the folded text `low`."""
        found = {key for _, key in self._automaton.iter(low)} if self._automaton else set()
        found.update(c for c in self._scanned if c in low)
        return found

    def _live(self, found: set[str]) -> frozenset[str]:
        """The patterns every one of whose required clauses has a literal in `found`."""
        if not found:
            return self._always
        candidates = set().union(*(self._by_key.get(k, ()) for k in found))
        return self._always.union(
            p for p in candidates if all(not c.isdisjoint(found) for c in self._clauses[p])
        )

    def may_match(self, text: str) -> frozenset[str]:
        """The patterns that may match somewhere in `text`: every other one cannot (one of its
        required clauses has none of its literals there)."""
        return self._live(self._found(fold(text)))

    def may_match_each(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """`may_match` of each of `texts`, from one pass over them all (joined by line breaks:
        folding maps each character on its own, so the folded lines are the folded texts)."""
        low = fold("\n".join(texts))
        hits = list(self._automaton.iter(low)) if self._automaton is not None else []
        present = [c for c in self._scanned if c in low]
        if not hits and not present:  # the common case: none of the literals anywhere
            return [self._always] * len(texts)
        lows = low.split("\n")
        if len(lows) != len(texts) or self._breaks:  # a line break inside a text or a literal
            return [self.may_match(t) for t in texts]
        found: list[set[str]] = [set() for _ in texts]
        starts = list(accumulate((len(line) + 1 for line in lows[:-1]), initial=0))
        for end, key in hits:
            found[bisect_right(starts, end) - 1].add(key)
        for c in present:
            for i, line in enumerate(lows):
                if c in line:
                    found[i].add(c)
        return [self._live(f) for f in found]

    def regex(self, pattern: str) -> re.Pattern[str]:
        """The compiled form of one of the set's patterns."""
        return self._compiled[pattern]

    def search(self, text: str) -> bool:
        """True when one of the patterns matches in `text`."""
        return any(self._compiled[p].search(text) for p in self.may_match(text))

    def matches(self, texts: Sequence[str]) -> list[bool]:
        """For each of `texts`, whether one of the patterns matches in it."""
        return [
            any(self._compiled[p].search(t) for p in live)
            for t, live in zip(texts, self.may_match_each(texts), strict=True)
        ]


@lru_cache(maxsize=256)
def gate(patterns: tuple[str, ...]) -> PatternGate:
    """The gate of `patterns`, built once per set (a rulebook's or a content file's patterns are
    the same for every letter drafted from them)."""
    return PatternGate(patterns)
