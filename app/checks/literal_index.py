"""Where the rules' required literals occur in one letter, found in one pass.

Why: deciding which patterns may match (app/rulebook/literals.py) asks "is this string in the
letter / in this sentence?" thousands of times per check, and each `in` reads the text again.
An Aho-Corasick automaton (the `pyahocorasick` package) over every literal read so far finds all
their occurrences in a single pass over the letter; the questions are then dictionary look-ups.

The index is over the folded letter with line breaks read as spaces (sentence patterns read it
so), and a literal is looked up in the same form, so a literal in a sentence or in the raw text
is always found: the index can only say "may occur" too often, never too rarely. A literal the
automaton does not hold yet (read after it was built) is looked for in the text itself; a
letter whose folding changes offsets ("ß" → "ss") is asked per span. Every answer is what
testing each required clause (app/rulebook/literals.py: one literal of every clause) in
`fold(span)` would give for the flattened span. Thread-safe: automata are built
under a lock and never changed after.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache

import ahocorasick

from app.checks.caching import text_cache
from app.checks.text import Unit
from app.rulebook.literals import MIN_LITERAL, fold, registered, required_clauses, version

_SPACE = str.maketrans("\n\r\t\f\v", "     ")
_lock = threading.Lock()
Clause = frozenset[str]
Built = tuple[
    int,
    "ahocorasick.Automaton | None",
    frozenset[str],
    dict[frozenset[str], frozenset[str]],
    tuple[str, ...],
]
_built: Built = (-1, None, frozenset(), {}, ())


def _automaton() -> Built:
    """The automaton of every literal registered so far (rebuilt when new ones were read), its
    keys, a memo of which keys of a pattern it lacks, and the one-character keys (digits: the
    automaton leaves them out, a text has hundreds; `str.find` looks for them)."""
    global _built
    built = _built
    if built[0] == version():
        return built
    with _lock:
        if _built[0] != version():
            current, lits = registered()
            keys = frozenset(lit.translate(_SPACE) for lit in lits)
            singles = tuple(sorted(k for k in keys if len(k) == 1))
            longer = keys.difference(singles)
            automaton = ahocorasick.Automaton() if longer else None
            if automaton is not None:
                for key in longer:
                    automaton.add_word(key, key)
                automaton.make_automaton()
            _built = (current, automaton, keys, {}, singles)
        return _built


class LiteralIndex:
    """The literal occurrences of one text (offsets into the text when folding keeps them)."""

    def __init__(self, text: str) -> None:
        self.flat = text.translate(_SPACE)
        self.low = fold(self.flat)
        self.aligned = len(self.low) == len(text)
        _, automaton, self.keys, self._unknown, self._singles = _automaton()
        ends: dict[str, list[int]] = {}  # key -> end offsets (inclusive) of its occurrences
        if automaton is not None:
            for end, key in automaton.iter(self.low):
                at = ends.get(key)
                if at is None:
                    ends[key] = [end]
                else:
                    at.append(end)
        self._ends = ends
        low = self.low
        self._everywhere = frozenset(ends).union(c for c in self._singles if c in low)
        self._tables: dict[int, tuple[Sequence[Unit], list[int], dict[str, int]]] = {}

    def _anywhere(self, keys: Clause) -> bool:
        """True when one of `keys` occurs in the text."""
        if not keys.isdisjoint(self._everywhere):
            return True
        return any(key in self.low for key in self._unknown_of(keys))

    def may_occur(self, pattern: str, shortest: int = MIN_LITERAL) -> bool:
        """False only when `pattern` cannot match the text: for one of its required clauses,
        none of the clause's literals is there."""
        clauses = clauses_of(pattern, shortest)
        return clauses is None or all(self._anywhere(keys) for keys in clauses)

    def which(self, patterns: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The patterns that may match the text, in their order."""
        return tuple(p for p in patterns if self.may_occur(p))

    def present(self, patterns: list[str] | tuple[str, ...]) -> tuple[int, ...]:
        """Indices of the patterns that may match the text."""
        return tuple(i for i, p in enumerate(patterns) if self.may_occur(p))

    def units_with(
        self, pattern: str, units: Sequence[Unit], shortest: int = MIN_LITERAL
    ) -> frozenset[int] | None:
        """Indices of the `units` (this text's sentences or paragraphs: in text order, not
        overlapping) in which `pattern` may match, or None when it may match in any of them (it
        has no required literal). One look-up per pattern and clause instead of one per unit."""
        mask = self.mask_with(pattern, units, shortest)
        return None if mask is None else frozenset(indices(mask))

    def mask_with(
        self, pattern: str, units: Sequence[Unit], shortest: int = MIN_LITERAL
    ) -> int | None:
        """`units_with` as a bit mask (bit i: unit i), or None: unions and intersections of the
        unit sets of a check's hundred patterns are then single integer operations."""
        clauses = clauses_of(pattern, shortest)
        if clauses is None:
            return None
        found = self._units_holding(clauses[0], units)
        for keys in clauses[1:]:
            if not found:
                break
            found &= self._units_holding(keys, units)
        return found

    def _units_holding(self, keys: Clause, units: Sequence[Unit]) -> int:
        """The units wholly holding one of `keys` (a mask)."""
        if not self.aligned:  # offsets moved: read each unit itself
            pieces = (fold(self.flat[u.start : u.end]) for u in units)
            return sum(1 << i for i, piece in enumerate(pieces) if any(k in piece for k in keys))
        starts, table = self._by_unit(units)
        found = 0
        for key in keys.intersection(self._everywhere):  # (C-level: a clause may hold 100 keys)
            got = table.get(key)
            found |= self._units_of(key, units, starts, table) if got is None else got
        for key in self._unknown_of(keys):  # read after the automaton was built: find it here
            at = self.low.find(key)
            while at != -1:
                i = bisect_right(starts, at) - 1
                if i >= 0 and at + len(key) <= units[i].end:
                    found |= 1 << i
                at = self.low.find(key, at + 1)
        return found

    def _by_unit(self, units: Sequence[Unit]) -> tuple[list[int], dict[str, int]]:
        """The units' starts, and the memo of `_units_of` for this unit list."""
        got = self._tables.get(id(units))
        if got is not None and got[0] is units:
            return got[1], got[2]
        starts = [u.start for u in units]
        table: dict[str, int] = {}
        self._tables[id(units)] = (units, starts, table)
        return starts, table

    def _units_of(
        self, key: str, units: Sequence[Unit], starts: list[int], table: dict[str, int]
    ) -> int:
        """The units wholly holding an occurrence of `key`, a key found in the text (a mask,
        worked out when first asked, once per unit list)."""
        got = table.get(key)
        if got is None:
            if key in self._ends:
                n = len(key)
                got = 0
                for e in self._ends[key]:
                    i = bisect_right(starts, e - n + 1) - 1
                    if i >= 0 and e < units[i].end:
                        got |= 1 << i
                table[key] = got
            else:  # a one-character key: every one's units are found at once
                self._single_units(units, table)
                got = table[key]
        return got

    def _single_units(self, units: Sequence[Unit], table: dict[str, int]) -> None:
        """The units of every one-character key that occurs in the text, in one pass."""
        singles = frozenset(self._singles).intersection(self._everywhere)
        inside = dict.fromkeys(singles, 0)
        low = self.low
        for i, u in enumerate(units):
            for c in singles.intersection(low[u.start : u.end]):
                inside[c] |= 1 << i
        table.update(inside)

    def _unknown_of(self, keys: Clause) -> Clause:
        """The keys the automaton does not hold (read after it was built)."""
        unknown = self._unknown.get(keys)
        if unknown is None:
            unknown = self._unknown[keys] = keys.difference(self.keys)
        return unknown


def indices(mask: int) -> Iterator[int]:
    """The set bits of a unit mask, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@lru_cache(maxsize=8192)
def clauses_of(pattern: str, shortest: int) -> tuple[Clause, ...] | None:
    """The required clauses of `pattern` in index form (None when it has none)."""
    clauses = required_clauses(pattern, shortest)
    if clauses is None:
        return None
    return tuple(frozenset(lit.translate(_SPACE) for lit in c) for c in clauses)


@text_cache(maxsize=64)
def literal_index(text: str) -> LiteralIndex:
    """The literal index of a letter, built once per text."""
    return LiteralIndex(text)
