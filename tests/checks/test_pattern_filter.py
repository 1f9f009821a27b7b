"""The pattern filter (app/checks/pattern_filter.py) says a pattern may match a text exactly when
testing one literal of each of its required clauses in the folded text (line breaks read as
spaces) would: on every sentence and paragraph of corpus letters, on mangled letters, for
one-character literals, and for patterns with no literal (they may match anywhere)."""

from __future__ import annotations

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks.legal import detect, detect_all
from app.checks.pattern_filter import PatternFilter, bits
from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.rulebook.literals import fold, required_clauses
from app.rulebook.loader import load_rulebook

LETTERS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))
RULEBOOK = load_rulebook(PROJECT_ROOT / "rules")
# every regex of the element detectors, in a fixed order (with and without required literals)
PATTERNS = tuple(
    dict.fromkeys(
        p
        for edef in RULEBOOK.elements.values()
        for p in (*edef.detect, *edef.exclude, *edef.all_of)
    )
)
FILTER = PatternFilter(PATTERNS)
_SPACE = str.maketrans("\n\r\t\f\v", "     ")


def _expected(text: str, patterns: tuple[str, ...] = PATTERNS) -> int:
    low = fold(text.translate(_SPACE))
    return sum(
        1 << i
        for i, p in enumerate(patterns)
        if all(
            any(lit.translate(_SPACE) in low for lit in lits) for lits in required_clauses(p) or ()
        )
    )


def _agrees(text: str) -> None:
    doc = segment(text)
    for unit in (*doc.sentences, *doc.paragraphs):
        assert FILTER.may_match(unit.text) == _expected(unit.text), unit.text
    assert FILTER.may_match(text) == _expected(text)


def test_every_unit_of_corpus_letters_agrees_with_reading_it() -> None:
    assert any(required_clauses(p) is None for p in PATTERNS)  # (both kinds are covered)
    assert sum(1 for p in PATTERNS if required_clauses(p) and len(required_clauses(p)) > 1) > 5
    for path in LETTERS[::7]:
        _agrees(path.read_text())


@hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(LETTERS),
    st.integers(0, 3000),
    st.text(alphabet="ßİſK \n\t.,aeiouy07٣@/", max_size=6),
)
def test_mangled_letters(path, at, noise) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text()
    at = min(at, len(text))
    _agrees(text[:at] + noise + text[at:])


def test_one_character_literals_and_patterns_without_literals() -> None:
    patterns = (r"\d{3}-\d{4}", r"\b(?:may|\d)", r"[0-4]", r"\w+", r"\bfraud alert\b", "@")
    pattern_filter = PatternFilter(patterns)
    for text in ("Call 555-0100 today.", "On ٣ May it began.", "Nothing here.", "a@b", ""):
        assert pattern_filter.may_match(text) == _expected(text, patterns), text
    assert pattern_filter.may_match("Nothing here.") == 1 << 3  # only `\w+` (no literal)
    assert PatternFilter(()).may_match("anything") == 0


def test_the_answer_is_kept_per_text() -> None:
    text = "Place a fraud alert with one of the three credit bureaus."
    assert bits(FILTER, text) == FILTER.may_match(text) == _expected(text)
    assert bits(FILTER, text) is bits(FILTER, text)


def test_detectors_sharing_a_filter_find_what_each_finds_alone() -> None:
    """`detect_all` reads every element of a scope through one filter; `detect` builds one for
    the element alone: the evidence is the same (the filter only leaves out what cannot match)."""
    elements = RULEBOOK.elements
    for path in LETTERS[3::11]:
        doc = segment(path.read_text())
        together = detect_all(doc, elements)
        assert together == {eid: detect(doc, edef) for eid, edef in elements.items()}, path.name
