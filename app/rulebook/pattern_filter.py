"""Which patterns of a fixed set may match in a piece of text: one bit set per text.

Why: element detection asks, for every sentence and every detector regex, "can this regex
match here?". The required literals (app/rulebook/literals.py) answer it, but asked pattern by
pattern and sentence by sentence the bookkeeping cost more than the regex searches it saved.
Here the literals of a whole pattern set go into one Aho-Corasick automaton (`pyahocorasick`)
whose value for each literal is the bit set of the (pattern, clause) pairs it satisfies: one
pass over a sentence ORs them, and a few integer operations turn "every clause of the pattern
has a literal here" into the bit set of the patterns that may match. The element detection
keeps the answer per text (app/checks/pattern_filter.py: an edited letter reads only the changed
sentences again); the letters ask it of a few sentences at once (`may_match_each`: one pass).
It lives here, below both, so the checks and the letters share one filter.

Exact by construction: bit i is clear only when one required clause of `patterns[i]` has none
of its literals in the folded text with line breaks read as spaces, the test
`literals.may_occur` makes (tests/checks/test_pattern_filter.py holds the two equal), so no
match is ever lost; a pattern with no required literal may match anywhere.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate
from operator import itemgetter

import ahocorasick

from app.rulebook.literals import MIN_LITERAL, fold, required_clauses

_SPACE = str.maketrans("\n\r\t\f\v", "     ")
_key = itemgetter(1)


def indices(mask: int) -> Iterator[int]:
    """The set bits of a bit set, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class PatternFilter:
    """The patterns of `patterns` that may match a text, as a bit set (bit i: `patterns[i]`).

    Bit `j * n + i` of the intermediate set stands for clause j of pattern i; a pattern with
    fewer clauses than the most any pattern has gets its missing clauses set from the start.
    Built once per pattern set and never changed, so any thread may use it."""

    def __init__(
        self, patterns: tuple[str, ...], shortest: int = MIN_LITERAL, fallback: int | None = None
    ) -> None:
        """`fallback`: read a pattern that has no literal of `shortest` characters again for
        literals of `fallback` characters (worth it for a few slow, rare patterns: a pattern with
        no literal is tried at every position of the text)."""
        self.patterns = patterns
        n = self._n = len(patterns)
        readings = [
            required_clauses(p, shortest)
            or (fallback is not None and required_clauses(p, fallback))
            or ()
            for p in patterns
        ]
        self._planes = max((len(c) for c in readings), default=1) or 1
        always, bits = 0, {}  # bits: literal -> the (pattern, clause) pairs it satisfies
        for i, clauses in enumerate(readings):
            for j in range(len(clauses), self._planes):
                always |= 1 << (j * n + i)
            for j, lits in enumerate(clauses):
                for lit in lits:
                    key = lit.translate(_SPACE)
                    bits[key] = bits.get(key, 0) | 1 << (j * n + i)
        self._always = always
        self._all = (1 << n) - 1
        self._base = self._every_clause(always)  # what may match where no literal occurs
        # one-character literals (digits, "@", "/") are in the automaton's way (a letter holds
        # hundreds of digits): one set intersection finds them
        self._singles = {k: v for k, v in bits.items() if len(k) == 1}
        self._single_keys = frozenset(self._singles)
        longer = [(k, v) for k, v in bits.items() if len(k) > 1]
        self._values = [v for _, v in longer]
        self._lengths = [len(k) for k, _ in longer]
        self._automaton: ahocorasick.Automaton | None = None
        if longer:
            automaton = ahocorasick.Automaton()
            for number, (key, _) in enumerate(longer):
                automaton.add_word(key, number)
            automaton.make_automaton()
            self._automaton = automaton

    def may_match(self, text: str) -> int:
        """The bit set of the patterns that may match `text`."""
        low = fold(text.translate(_SPACE))
        hit = self._always
        if self._automaton is not None:
            values = self._values
            for number in set(map(_key, self._automaton.iter(low))):
                hit |= values[number]
        for c in self._single_keys.intersection(low):
            hit |= self._singles[c]
        return self._every_clause(hit)

    def may_match_each(self, texts: Sequence[str]) -> list[int]:
        """`may_match` of each of `texts`, from one pass over them all (a few sentences read
        together cost one automaton pass instead of one each).

        The texts are joined by spaces; an occurrence counts for a text only when it lies wholly
        inside it, so the answers are `may_match`'s (tests/letters/test_pattern_gate.py)."""
        flat = " ".join(texts)
        if not flat.isprintable():  # (a line break or tab: read as a space)
            flat = flat.translate(_SPACE)
        low = fold(flat)
        if len(low) != len(flat) or not texts:  # folding moved offsets ("ß" → "ss"): one by one
            return [self.may_match(t) for t in texts]
        ends = list(accumulate(len(t) + 1 for t in texts))  # one past each text's separator
        hits = [self._always] * len(texts)
        if self._automaton is not None:
            values, lengths = self._values, self._lengths
            for end, number in self._automaton.iter(low):
                i = bisect_right(ends, end)  # the text (or the separator after it) it ends in
                if end < ends[i] - 1 and end - lengths[number] + 1 >= (ends[i - 1] if i else 0):
                    hits[i] |= values[number]
        for c in self._single_keys:
            if c in low:
                start = 0
                for i, stop in enumerate(ends):
                    if c in low[start : stop - 1]:
                        hits[i] |= self._singles[c]
                    start = stop
        base, always = self._base, self._always
        return [base if hit == always else self._every_clause(hit) for hit in hits]

    def _every_clause(self, hit: int) -> int:
        """The patterns every one of whose clauses has its bit in `hit`."""
        n, may = self._n, hit
        for j in range(1, self._planes):
            may &= hit >> (j * n)
        return may & self._all
