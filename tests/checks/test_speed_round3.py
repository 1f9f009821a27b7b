"""Third round of speed work: each new fast path equals the plain computation.

* the literal table built line by line (prefilter._table over `_line_matches`, literals with a
  line break looked up in the whole text) gives exactly `str.find`'s occurrences, also when the
  same lines recur in other texts (the per-line cache) and when the universe grows;
* re-checking edited letters (the per-unit walk now ignores untested units past the evidence)
  gives the same report as a cold run, for many edits in a row on shared caches.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks import prefilter
from app.checks.engine import clear_caches
from app.checks.text import segment

from test_speed_equivalence import LETTERS, ODD, _report, letters  # tests/checks is on sys.path (no package)
from test_speed_round2 import _literals, _plain_occurrences


def _check_lines_table(texts: list[str]) -> None:
    clear_caches()
    for _ in range(2):  # the second round sees the literals the first one registered
        for text in texts:  # shared lines: later texts reuse the per-line cache
            low = prefilter.folded(text)
            if low is None:
                continue
            low = (low + "\n") * max(1, prefilter._TABLE_MIN // max(1, len(low)) + 1)
            for lit in _literals() + ["\n\n", ".\nwe", " \n"]:
                assert prefilter.occurrences(low, lit) == _plain_occurrences(low, lit), lit
                assert prefilter.may_match(frozenset([lit]), low) == (lit in low), lit


def test_line_table_on_letters() -> None:
    texts = [p.read_text() for p in LETTERS[::3]]
    edited = [t.replace("\n\n", "\n\nWe are sorry.\n", 1) for t in texts]
    _check_lines_table(texts + edited)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=letters(), extra=st.text(alphabet="abcdeİ we\n.@", max_size=40))
def test_line_table_on_mangled_letters(text, extra) -> None:  # type: ignore[no-untyped-def]
    _check_lines_table([text, text + "\n" + extra, extra + "\n" + text])


def test_many_edits_in_a_row_equal_cold_runs(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(23)
    for path in LETTERS[:10]:
        text = path.read_text()
        clear_caches()
        for _ in range(6):  # each edit builds on the last, caches shared across the edits
            sentences = [s for s in segment(text).sentences if len(s.text) > 10]
            s = rng.choice(sentences)
            change = rng.choice(["We are sorry. ", "Someone stole the laptop on May 3. ", "", rng.choice(ODD) + " "])
            text = (text[:s.start] + change + text[s.end:]) if rng.random() < 0.3 else (text[:s.start] + change + text[s.start:])
            got = _report(text, rulebook, settings)  # on the previous text's caches
            assert _report(text, rulebook, settings) == got  # the same text again: every unit cached
            clear_caches()
            assert _report(text, rulebook, settings) == got
            _report(text, rulebook, settings)  # warm the caches again for the next edit
