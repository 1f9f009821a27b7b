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
`literal in fold(span)` would give for the flattened span. Thread-safe: automata are built
under a lock and never changed after.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

import ahocorasick

from app.checks.caching import text_cache
from app.checks.text import Unit
from app.rulebook.literals import MIN_LITERAL, fold, registered, required_literals, version

_SPACE = str.maketrans("\n\r\t\f\v", "     ")
_lock = threading.Lock()
Built = tuple[
    int,
    "ahocorasick.Automaton | None",
    frozenset[str],
    dict[tuple[str, ...], tuple[str, ...]],
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
        found: list[tuple[int, int, str]] = []  # (start, end, key) of every occurrence
        if automaton is not None:
            for end, key in automaton.iter(self.low):
                found.append((end - len(key) + 1, end + 1, key))
        found.sort()
        self._found = found
        self._starts = [f[0] for f in found]
        low = self.low
        self._everywhere = frozenset([f[2] for f in found] + [c for c in self._singles if c in low])
        self._spans: dict[tuple[int, int], frozenset[str]] = {}
        self._tables: dict[int, tuple[Sequence[Unit], list[int], dict[str, set[int]]]] = {}

    def _keys_in(self, start: int, end: int | None) -> frozenset[str]:
        """The automaton's keys that occur wholly inside text[start:end] (worked out once per span)."""
        if end is None:
            return self._everywhere
        span = self._spans.get((start, end))
        if span is None:
            i = bisect_left(self._starts, start)
            keys = set()
            for s, e, key in self._found[i:]:
                if s >= end:
                    break
                if e <= end:
                    keys.add(key)
            keys.update(c for c in self._singles if self.low.find(c, start, end) != -1)
            span = self._spans[(start, end)] = frozenset(keys)
        return span

    def _any(self, keys: tuple[str, ...], start: int, end: int | None) -> bool:
        if end is not None and start == 0 and end >= len(self.flat):
            end = None
        if end is not None and not self.aligned:  # offsets moved: read the span itself
            piece = fold(self.flat[start:end])
            return any(key in piece for key in keys)
        return not self._keys_in(start, end).isdisjoint(keys) or self._unknown_in(keys, start, end)

    def may_occur(
        self, pattern: str, start: int = 0, end: int | None = None, shortest: int = MIN_LITERAL
    ) -> bool:
        """False only when `pattern` cannot match the text (or text[start:end]): none of its
        required literals is there."""
        keys = keys_of((pattern,), shortest)
        return True if keys is None else self._any(keys, start, end)

    def units_with(
        self, pattern: str, units: Sequence[Unit], shortest: int = MIN_LITERAL
    ) -> frozenset[int] | None:
        """Indices of the `units` (this text's sentences or paragraphs: in text order, not
        overlapping) in which `pattern` may match, or None when it may match in any of them (it
        has no required literal). One look-up per pattern instead of one per unit."""
        keys = keys_of((pattern,), shortest)
        if keys is None:
            return None
        if not self.aligned:  # offsets moved: read each unit itself
            pieces = (fold(self.flat[u.start : u.end]) for u in units)
            return frozenset(i for i, piece in enumerate(pieces) if any(k in piece for k in keys))
        starts, table = self._by_unit(units)
        found = frozenset().union(*(table[key] for key in table.keys() & keys))
        for key in self._unknown_of(keys):  # read after the automaton was built: find it here
            at = self.low.find(key)
            while at != -1:
                i = bisect_right(starts, at) - 1
                if i >= 0 and at + len(key) <= units[i].end:
                    found |= {i}
                at = self.low.find(key, at + 1)
        return found

    def _by_unit(self, units: Sequence[Unit]) -> tuple[list[int], dict[str, set[int]]]:
        """The units' starts, and key -> indices of the units wholly holding one of its
        occurrences (worked out once per unit list)."""
        got = self._tables.get(id(units))
        if got is not None and got[0] is units:
            return got[1], got[2]
        starts = [u.start for u in units]
        table: dict[str, set[int]] = {}
        for s, e, key in self._found:
            i = bisect_right(starts, s) - 1
            if i >= 0 and e <= units[i].end:
                table.setdefault(key, set()).add(i)
        if self._singles:
            low = self.low
            for i, u in enumerate(units):
                piece = low[u.start : u.end]
                for c in self._singles:
                    if c in piece:
                        table.setdefault(c, set()).add(i)
        self._tables[id(units)] = (units, starts, table)
        return starts, table

    def which(
        self, patterns: list[str] | tuple[str, ...], start: int = 0, end: int | None = None
    ) -> tuple[str, ...]:
        """The patterns that may match text[start:end], in their order (one look-up per span)."""
        if end is not None and start == 0 and end >= len(self.flat):
            end = None
        if end is not None and not self.aligned:
            return tuple(p for p in patterns if self.may_occur(p, start, end))
        here = self._keys_in(start, end)
        out = []
        for p in patterns:
            keys = keys_of((p,), MIN_LITERAL)
            if keys is None or not here.isdisjoint(keys) or self._unknown_in(keys, start, end):
                out.append(p)
        return tuple(out)

    def _unknown_in(self, keys: tuple[str, ...], start: int, end: int | None) -> bool:
        """True when a key the automaton does not hold (read after it was built) is there."""
        for key in self._unknown_of(keys):
            if (key in self.low) if end is None else self.low.find(key, start, end) != -1:
                return True
        return False

    def _unknown_of(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The keys the automaton does not hold (read after it was built)."""
        unknown = self._unknown.get(keys)
        if unknown is None:
            unknown = self._unknown[keys] = tuple(k for k in keys if k not in self.keys)
        return unknown

    def present(self, patterns: list[str] | tuple[str, ...]) -> tuple[int, ...]:
        """Indices of the patterns that may match somewhere in the text."""
        live = self.which(patterns)
        return tuple(i for i, p in enumerate(patterns) if p in live)


@lru_cache(maxsize=8192)
def keys_of(patterns: tuple[str, ...], shortest: int) -> tuple[str, ...] | None:
    """The required literals of all `patterns` in index form (None when one has none)."""
    out: list[str] = []
    for p in patterns:
        lits = required_literals(p, shortest)
        if lits is None:
            return None
        out.extend(sorted(lit.translate(_SPACE) for lit in lits))
    return tuple(dict.fromkeys(out))


@text_cache(maxsize=64)
def literal_index(text: str) -> LiteralIndex:
    """The literal index of a letter, built once per text."""
    return LiteralIndex(text)
