"""Second round of speed work: each new fast path equals the plain computation.

* the one-pass literal table (prefilter._table) gives exactly `str.find`'s occurrences and
  `in`'s answers, for every literal the rules use, on letters and on mangled letters;
* the start positions the facts check scans for phone numbers, websites and e-mail addresses
  include every match start (`finditer_from` over them equals `finditer`);
* readability's hand-made `_NOT_WORDS` literals occur in every match, and the CMU syllable
  table equals textstat's dictionary lookup.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from app.checks import facts_consistency as fc
from app.checks import prefilter, readability
from app.checks.engine import clear_caches

from test_speed_equivalence import LETTERS, ODD, letters  # tests/checks is on sys.path (no package)


def _plain_occurrences(low: str, lit: str) -> tuple[int, ...]:
    out = []
    i = low.find(lit)
    while i != -1:
        out.append(i)
        i = low.find(lit, i + 1)
    return tuple(out)


def _literals() -> list[str]:
    """Every literal the rules have asked about so far, plus a few that overlap oddly."""
    return sorted(set(prefilter._UNIVERSE) | {".", "\n", "@", "we", "we ", "we are", "e", "ee", "a.m."})


def _check_facts_scans(text: str) -> None:
    low = prefilter.folded(text)
    want = [m.span() for m in fc._PHONE.finditer(text)]
    assert [m.span() for m in prefilter.finditer_from(fc._PHONE, text, fc._phone_starts(text))] == want
    if low is None:
        return
    want = [m.span() for m in fc._SITE.finditer(text)]
    assert [m.span() for m in prefilter.finditer_from(fc._SITE, text, fc._site_starts(low))] == want
    want = [m.span() for m in fc._EMAIL.finditer(text)]
    assert [m.span() for m in prefilter.finditer_from(fc._EMAIL, text, fc._email_starts(text, low))] == want


def _check_table(text: str) -> None:
    low = prefilter.folded(text)
    if low is None:
        return
    low = (low + " ") * max(1, prefilter._TABLE_MIN // max(1, len(low)) + 1)  # long enough for the table
    for _ in range(2):  # the second round sees the literals the first one registered
        clear_caches()
        for lit in _literals():
            assert prefilter.occurrences(low, lit) == _plain_occurrences(low, lit), lit
            assert prefilter.may_match(frozenset([lit]), low) == (lit in low), lit


def _check_not_words(text: str) -> None:
    for m in readability._NOT_WORDS.finditer(text):
        low = prefilter.folded(m.group())
        assert low is None or any(lit in low for lit in readability._NOT_WORDS_LITERALS), m.group()


def test_fast_paths_on_letters(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    from app.checks.engine import run_checks

    for path in LETTERS:
        text = path.read_text()
        run_checks(text, rulebook=rulebook, settings=settings, jurisdictions=("US-CA", "US-MA", "US-HIPAA"), grammar=False)
        _check_facts_scans(text)
        _check_not_words(text)
    for path in LETTERS[::4]:
        _check_table(path.read_text())


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=letters())
def test_fast_paths_on_mangled_letters(text) -> None:  # type: ignore[no-untyped-def]
    _check_facts_scans(text)
    _check_not_words(text)
    _check_table(text)


def test_facts_scans_on_odd_strings() -> None:
    samples = ["(800) 555-0100", "+1 800.555.0100", "1-800-555-0100", "12345-555-0100", "٣٣٣-٣٣٣-٣٣٣٣",
               "x@y.com", "a.b+c@d-e.co.uk", "@@x.org", "https://www.Example.ORG/help", "www.ſite.us",
               "e.g. the U.S. site.com.", "see help.example.com/x and mail me@help.example.com"]
    for s in samples + ODD:
        _check_facts_scans(s)
        _check_facts_scans("Call " + s + " today.")


def test_cmu_table_matches_textstat_lookup(settings) -> None:  # type: ignore[no-untyped-def]
    from app.core.textstat_data import ensure_cmudict

    ensure_cmudict(settings.NLTK_DATA)
    cmu, _ = readability._dictionaries()
    table = readability._cmu_syllables()
    for i, (word, prons) in enumerate(cmu.items()):  # type: ignore[attr-defined]
        if i % 37:
            continue
        assert table[word] == len([p for p in prons[0] if p[-1].isdigit()]), word
