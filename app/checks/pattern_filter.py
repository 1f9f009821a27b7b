"""Which patterns of a fixed set may match in a piece of text: one bit set per text, cached.

Why: element detection asks, for every sentence and every detector regex, "can this regex
match here?". The required literals (app/rulebook/literals.py) answer it, but asked pattern by
pattern and sentence by sentence the bookkeeping cost more than the regex searches it saved.
Here the literals of a whole pattern set go into one Aho-Corasick automaton (`pyahocorasick`)
whose value for each literal is the bit set of the (pattern, clause) pairs it satisfies: one
pass over a sentence ORs them, and a few integer operations turn "every clause of the pattern
has a literal here" into the bit set of the patterns that may match. The answer depends only
on the text, so it is kept per text (`text_cache`): an edited letter reads only the changed
sentences again.

Exact by construction: bit i is clear only when one required clause of `patterns[i]` has none
of its literals in the folded text with line breaks read as spaces, the test
`literals.may_occur` makes (tests/checks/test_pattern_filter.py holds the two equal), so no
match is ever lost; a pattern with no required literal may match anywhere.
"""

from __future__ import annotations

from operator import itemgetter

import ahocorasick

from app.checks.caching import text_cache
from app.rulebook.literals import MIN_LITERAL, fold, required_clauses

_SPACE = str.maketrans("\n\r\t\f\v", "     ")
_key = itemgetter(1)


class PatternFilter:
    """The patterns of `patterns` that may match a text, as a bit set (bit i: `patterns[i]`).

    Bit `j * n + i` of the intermediate set stands for clause j of pattern i; a pattern with
    fewer clauses than the most any pattern has gets its missing clauses set from the start.
    Built once per pattern set and never changed, so any thread may use it."""

    def __init__(self, patterns: tuple[str, ...], shortest: int = MIN_LITERAL) -> None:
        self.patterns = patterns
        n = self._n = len(patterns)
        readings = [required_clauses(p, shortest) or () for p in patterns]
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
        # one-character literals (digits, "@", "/") are in the automaton's way (a letter holds
        # hundreds of digits): one set intersection finds them
        self._singles = {k: v for k, v in bits.items() if len(k) == 1}
        self._single_keys = frozenset(self._singles)
        longer = [(k, v) for k, v in bits.items() if len(k) > 1]
        self._values = [v for _, v in longer]
        self._automaton: ahocorasick.Automaton | None = None
        if longer:
            automaton = ahocorasick.Automaton()
            for number, (key, _) in enumerate(longer):
                automaton.add_word(key, number)
            automaton.make_automaton()
            self._automaton = automaton

    def may_match(self, text: str) -> int:
        """The bit set of the patterns that may match `text` (see `bits`: cached per text)."""
        low = fold(text.translate(_SPACE))
        hit = self._always
        if self._automaton is not None:
            values = self._values
            for number in set(map(_key, self._automaton.iter(low))):
                hit |= values[number]
        for c in self._single_keys.intersection(low):
            hit |= self._singles[c]
        n, out = self._n, hit
        for j in range(1, self._planes):
            out &= hit >> (j * n)
        return out & self._all


@text_cache(maxsize=50_000)
def bits(pattern_filter: PatternFilter, text: str) -> int:
    """`pattern_filter.may_match(text)`, kept per text (sentences repeat across re-checks)."""
    return pattern_filter.may_match(text)
