"""PatternGate (app/letters/pattern_gate.py): the one-pass literal pre-check a letter's fitting
uses on the responder's sentences. It may only rule out a pattern that cannot match: what it
leaves to run is exactly what testing each pattern's required literals one by one leaves, and its
answers are the regexes' answers."""

from __future__ import annotations

import re

import pytest

from app.core.config import PROJECT_ROOT
from app.letters.content import BUNDLED_DIR, load_content
from app.letters.pattern_gate import PatternGate, gate
from app.rulebook.common import compile_regex
from app.rulebook.literals import fold, may_occur, required_clauses
from app.rulebook.loader import load_rulebook

RULES = load_rulebook(PROJECT_ROOT / "rules")
CORPUS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))


def _sentences() -> list[str]:
    """Sentences of every fifth corpus letter (real wording, of every kind), plus odd ones:
    non-ASCII folding, digits only, empty."""
    out = []
    for path in CORPUS[::5]:
        out += [s for s in re.split(r"(?<=[.!?])\s+|\n+", path.read_text()) if s.strip()]
    return out + ["ATTACK ON OUR SYSTEMS", "Straße İstanbul attack", "12,400", "", "We cc'd you."]


def _patterns() -> tuple[str, ...]:
    """Every pattern the letters gate: the forbidden elements' detectors of every law that
    forbids some, the content's foreign-regulator and step-alternative patterns."""
    elements = RULES.elements_for("en")
    forbidden = {e for r in RULES.jurisdictions.values() for e in r.prohibits} & set(elements)
    patterns = [p for e in sorted(forbidden) for p in (*elements[e].detect, *elements[e].exclude)]
    content = load_content(BUNDLED_DIR)
    patterns += content.foreign_to_us
    patterns += [alt.remediation for s in content.steps for alt in s.instead]
    return tuple(dict.fromkeys(patterns))


def _may(pattern: str, low: str) -> bool:
    """The pre-check one pattern at a time (what the letters did before the gate)."""
    if not may_occur(pattern, low):
        return False
    return required_clauses(pattern) is not None or may_occur(pattern, low, 1)


@pytest.fixture(scope="module")
def everything() -> PatternGate:
    return PatternGate(_patterns())


def test_the_gate_leaves_exactly_what_the_literals_one_by_one_leave(everything) -> None:  # type: ignore[no-untyped-def]
    assert len(everything.patterns) > 20
    for sentence in _sentences():
        low = fold(sentence)
        expected = {p for p in everything.patterns if _may(p, low)}
        assert everything.may_match(sentence) == expected, sentence


def test_one_pass_over_many_sentences_answers_as_one_pass_each(everything) -> None:  # type: ignore[no-untyped-def]
    sentences = _sentences()
    for i in range(0, len(sentences), 7):
        group = sentences[i : i + 7]
        assert everything.may_match_each(group) == [everything.may_match(s) for s in group]
    odd = ["Straße attack\non two lines", "ransomware 12", "", "ſtolen ATTACK"]
    assert everything.may_match_each(odd) == [everything.may_match(s) for s in odd]


def test_every_match_is_left_to_run(everything) -> None:  # type: ignore[no-untyped-def]
    """The contract the gate rests on (tests/checks/test_patterns.py checks it for every rule
    regex): a pattern that matches a sentence is among those the gate leaves."""
    found = 0
    for sentence in _sentences():
        live = everything.may_match(sentence)
        for p in everything.patterns:
            if compile_regex(p).search(sentence):
                found += 1
                assert p in live, (p, sentence)
    assert found > 10  # the corpus does hold sentences these patterns find


def test_matches_answers_as_the_regexes_do(everything) -> None:  # type: ignore[no-untyped-def]
    sentences = _sentences()[:400]
    compiled = [compile_regex(p) for p in everything.patterns]
    expected = [any(rx.search(s) for rx in compiled) for s in sentences]
    assert everything.matches(sentences) == expected
    assert True in expected and False in expected


def test_a_sentence_without_the_literals_leaves_nothing_to_run() -> None:
    g = gate((r"\bransomware attack\b", r"\b(?:stolen|lost) laptop\b"))
    assert g.may_match("We reset every staff password.") == frozenset()
    assert g.matches(["We reset every staff password.", "A LOST laptop."]) == [False, True]
    assert g.may_match_each(["We reset every staff password.", "We called the police."]) == [
        frozenset(),
        frozenset(),
    ]


def test_a_pattern_without_literals_is_always_run() -> None:
    g = gate((r"\w+\s\w+", r"\bbreach\b"))
    assert g.may_match("nothing") == frozenset({r"\w+\s\w+"})
    assert g.search("two words") and not g.search("nothing")


def test_a_literal_across_two_sentences_counts_for_neither(everything) -> None:  # type: ignore[no-untyped-def]
    """The one pass joins the sentences: an occurrence across the joint is in no sentence."""
    split = ["We told the data", "protection commission today."]
    assert everything.may_match_each(split) == [everything.may_match(s) for s in split]
    assert not any(everything.matches(split))
    assert everything.matches(["We told the data protection commission today."]) == [True]
