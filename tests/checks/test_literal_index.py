"""The literal index (app/checks/literal_index.py) answers every "may this pattern match here?"
exactly as testing each required literal in the folded text would, for the whole letter and for
each of its sentences and paragraphs, also for literals read after its automaton was built and
for letters whose folding moves offsets ("ß" → "ss")."""

from __future__ import annotations

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks.literal_index import LiteralIndex
from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.rulebook.compiled import compile_rulebook
from app.rulebook.literals import fold, required_clauses, required_literals
from app.rulebook.loader import load_rulebook

LETTERS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))
# every string of the rules that has required literals (the regexes among them)
PATTERNS = sorted(
    p
    for p, lits in compile_rulebook(load_rulebook(PROJECT_ROOT / "rules")).literals.items()
    if lits
)
_SPACE = str.maketrans("\n\r\t\f\v", "     ")


def _expected(pattern: str, text: str, start: int, end: int) -> bool:
    piece = fold(text[start:end].translate(_SPACE))
    return all(
        any(lit.translate(_SPACE) in piece for lit in lits)
        for lits in required_clauses(pattern) or ()
    )


def test_the_whole_letter_agrees_with_reading_it() -> None:
    text = (LETTERS[0]).read_text()
    index = LiteralIndex(text)
    live = set(index.which(PATTERNS))
    assert set(index.present(PATTERNS)) == {i for i, p in enumerate(PATTERNS) if p in live}
    for pattern in PATTERNS:
        expected = _expected(pattern, text, 0, len(text))
        assert index.may_occur(pattern) == expected, pattern
        assert (pattern in live) == expected


def _units_agree(index: LiteralIndex, text: str, pattern: str) -> None:
    doc = segment(text)
    for units in (doc.sentences, doc.paragraphs):
        expected = {i for i, u in enumerate(units) if _expected(pattern, text, u.start, u.end)}
        assert index.units_with(pattern, units) == expected, pattern


def test_the_units_a_pattern_may_match_in_agree_with_reading_them() -> None:
    for path in LETTERS[:3]:
        text = path.read_text()
        index = LiteralIndex(text)
        for pattern in PATTERNS:
            _units_agree(index, text, pattern)
    assert LiteralIndex("Some text.").units_with(r"\w+", segment("Some text.").sentences) is None


@hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(LETTERS),
    st.sampled_from(PATTERNS),
    st.integers(0, 3000),
    st.text(alphabet="ßİſK \n\t.,aeiouy07٣", max_size=6),
)
def test_mangled_letters(path, pattern, at, noise) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text()
    at = min(at, len(text))
    text = text[:at] + noise + text[at:]
    index = LiteralIndex(text)
    assert index.may_occur(pattern) == _expected(pattern, text, 0, len(text))
    _units_agree(index, text, pattern)


def test_a_literal_read_after_the_automaton_was_built_is_still_found() -> None:
    text = "Zyxwvut-qpo happened here.\nAnd then nothing."
    index = LiteralIndex(text)
    pattern = r"\bzyxwvut-qpo\b"  # never read before: not in the automaton this index used
    assert required_literals(pattern) == frozenset({"zyxwvut-qpo"})
    assert index.may_occur(pattern)
    assert index.units_with(pattern, segment(text).sentences) == {0}
    assert not LiteralIndex("And then nothing.").may_occur(pattern)


def test_units_holding_a_literal_read_after_the_automaton_was_built() -> None:
    text = "Qwzrtx-vvb is here.\nNothing here.\nAnd qwzrtx-vvb again. Qwzrtx-\nvvb split."
    index = LiteralIndex(text)
    pattern = r"\bqwzrtx-vvb\b"  # never read before: not in the automaton this index used
    sentences = segment(text).sentences
    expected = {i for i, u in enumerate(sentences) if _expected(pattern, text, u.start, u.end)}
    assert index.units_with(pattern, sentences) == expected
    assert {0, 2} <= expected


def test_single_digit_literals_are_found_per_sentence() -> None:
    """Digit classes give one-character literals: the index finds them, ASCII or not."""
    text = "Call 555-0100 today.\nNothing here at all.\nOn ٣ May it began. No digits."
    index = LiteralIndex(text)
    sentences = segment(text).sentences
    for pattern in (r"\d{3}-\d{4}", r"\b(?:may|\d)", r"[0-4]"):
        assert required_literals(pattern), pattern
        _units_agree(index, text, pattern)
    assert index.units_with(r"\d", sentences) == {0, 2}
    assert index.may_occur(r"\d")
    assert not LiteralIndex("Nothing here at all.").may_occur(r"\d")
