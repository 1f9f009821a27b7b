"""Which of the rules' required literals occur in one letter, found in one pass.

Why: deciding which patterns may match (app/rulebook/literals.py) asks "is this string in the
letter / in this sentence?" thousands of times per check, and each `in` reads the text again.
An Aho-Corasick automaton (the `pyahocorasick` package) over every literal read so far finds
which of them occur in a single pass over the letter (the set is built in C); "may this
pattern match?" is then set look-ups, and "in which sentences?" finds the occurrences of only
the literals asked about (`str.find`, once per literal and unit list).

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
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter

import ahocorasick

from app.checks.caching import text_cache
from app.checks.text import Unit
from app.rulebook.literals import MIN_LITERAL, fold, registered, required_clauses, version
from app.rulebook.pattern_filter import indices

_SPACE = str.maketrans("\n\r\t\f\v", "     ")
_lock = threading.Lock()
_key = itemgetter(1)
Clause = frozenset[str]
Built = tuple[int, "ahocorasick.Automaton | None", frozenset[str], dict[Clause, Clause]]
_built: Built = (-1, None, frozenset(), {})


def _automaton() -> Built:
    """The automaton of every literal registered so far (rebuilt when new ones were read), its
    keys, and a memo of which keys of a clause it lacks."""
    global _built
    built = _built
    if built[0] == version():
        return built
    with _lock:
        if _built[0] != version():
            current, lits = registered()
            keys = frozenset(lit.translate(_SPACE) for lit in lits)
            automaton = ahocorasick.Automaton() if keys else None
            if automaton is not None:
                for key in keys:
                    automaton.add_word(key, key)
                automaton.make_automaton()
            _built = (current, automaton, keys, {})
        return _built


class LiteralIndex:
    """Which literals occur in one text; where, worked out per literal when asked."""

    def __init__(self, text: str) -> None:
        self.flat = text.translate(_SPACE)
        self.low = fold(self.flat)
        self.aligned = len(self.low) == len(text)
        _, automaton, self.keys, self._unknown = _automaton()
        # (the set is built in C: a letter holds thousands of occurrences of short literals)
        self._everywhere = (
            frozenset(map(_key, automaton.iter(self.low))) if automaton else frozenset()
        )
        self._tables: dict[int, tuple[Sequence[Unit], list[int], dict[str, int]]] = {}

    def _present(self, keys: Clause) -> Clause:
        """The keys that occur in the text."""
        found = keys.intersection(self._everywhere)
        unknown = self._unknown_of(keys)
        return found.union(k for k in unknown if k in self.low) if unknown else found

    def may_occur(self, pattern: str, shortest: int = MIN_LITERAL) -> bool:
        """False only when `pattern` cannot match the text: for one of its required clauses,
        none of the clause's literals is there."""
        clauses = clauses_of(pattern, shortest)
        if clauses is None:
            return True
        for keys in clauses:  # one of each clause's keys in the text (unknown ones: read it)
            if keys.isdisjoint(self._everywhere) and not any(
                key in self.low for key in self._unknown_of(keys)
            ):
                return False
        return True

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
        clauses = clauses_of(pattern, shortest)
        if clauses is None:
            return None
        found = -1
        for keys in clauses:
            found &= self._units_holding(keys, units)
            if not found:
                break
        return frozenset(indices(found))

    def _units_holding(self, keys: Clause, units: Sequence[Unit]) -> int:
        """The units wholly holding one of `keys` (a bit mask: bit i, unit i)."""
        if not self.aligned:  # offsets moved: read each unit itself
            pieces = (fold(self.flat[u.start : u.end]) for u in units)
            return sum(1 << i for i, piece in enumerate(pieces) if any(k in piece for k in keys))
        starts, masks = self._table(units)
        found = 0
        for key in self._present(keys):
            mask = masks.get(key)
            if mask is None:
                mask = masks[key] = self._units_of(key, units, starts)
            found |= mask
        return found

    def _table(self, units: Sequence[Unit]) -> tuple[list[int], dict[str, int]]:
        """The units' starts and the masks of the keys asked about so far, per unit list (the
        entry holds the list, so its id stays its own)."""
        got = self._tables.get(id(units))
        if got is None or got[0] is not units:
            got = self._tables[id(units)] = (units, [u.start for u in units], {})
        return got[1], got[2]

    def _units_of(self, key: str, units: Sequence[Unit], starts: list[int]) -> int:
        """The units wholly holding an occurrence of `key` (found with `str.find`)."""
        low, mask, n = self.low, 0, len(key)
        at = low.find(key)
        while at != -1:
            i = bisect_right(starts, at) - 1
            if i >= 0 and at + n <= units[i].end:
                mask |= 1 << i
            at = low.find(key, at + 1)
        return mask

    def _unknown_of(self, keys: Clause) -> Clause:
        """The keys the automaton does not hold (read after it was built)."""
        unknown = self._unknown.get(keys)
        if unknown is None:
            unknown = self._unknown[keys] = keys.difference(self.keys)
        return unknown


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
