"""The remediation reader (app/letters/remediation_reading.py) answers, sentence by sentence, what
running every one of its regexes on every sentence answers: which sentences name a regulator
abroad, which a forbidden element's detector finds (and none of its excludes), which `instead`
patterns match. Its gate only spares regexes that cannot match."""

from __future__ import annotations

import re

import pytest

from app.core.config import PROJECT_ROOT
from app.letters.content import BUNDLED_DIR, load_content
from app.letters.remediation_reading import reader
from app.rulebook.common import compile_regex
from app.rulebook.loader import load_rulebook

RULES = load_rulebook(PROJECT_ROOT / "rules")
CONTENT = load_content(BUNDLED_DIR)
CORPUS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))


def _groups() -> list[tuple[str, ...]]:
    """Groups of five sentences of every third corpus letter, and remediation-like ones."""
    sentences = []
    for path in CORPUS[::3]:
        sentences += [s for s in re.split(r"(?<=[.!?])\s+|\n+", path.read_text()) if s.strip()]
    groups = [tuple(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return groups + [
        (
            "We reset every customer password after the ransomware attack.",
            "We told the Irish Data Protection Commission.",
            "An unauthorized person accessed our network. Ref ba.",
            "We told the data",
            "protection commission and the ICO",
        ),
        ("Straße İstanbul: we reset your password", "ſtolen laptop\non two lines", ""),
    ]


def _expected(sentences: tuple[str, ...], elements, forbidden) -> tuple:  # type: ignore[no-untyped-def]
    def any_finds(patterns, s) -> bool:  # type: ignore[no-untyped-def]
        return any(compile_regex(p).search(s) for p in patterns)

    detectors = [(elements[e].detect, elements[e].exclude) for e in forbidden if e in elements]
    instead = [alt.remediation for step in CONTENT.steps for alt in step.instead]
    return (
        tuple(any_finds(CONTENT.foreign_to_us, s) for s in sentences),
        tuple(
            any(any_finds(d, s) and not any_finds(x, s) for d, x in detectors) for s in sentences
        ),
        frozenset(p for p in instead if any(compile_regex(p).search(s) for s in sentences)),
    )


@pytest.mark.parametrize(
    "code", sorted(c for c, r in RULES.jurisdictions.items() if r.prohibits) + ["US-HIPAA"]
)
def test_the_reading_is_what_every_regex_on_every_sentence_finds(code: str) -> None:
    forbidden = frozenset(RULES.jurisdiction(code).prohibits)
    read = reader(CONTENT, RULES, "en", forbidden).read
    elements = RULES.elements_for("en")
    found = 0
    for sentences in _groups():
        reading = read(sentences)
        expected = _expected(sentences, elements, forbidden)
        assert (reading.abroad, reading.reveals, reading.done) == expected, sentences
        found += sum(expected[0]) + sum(expected[1]) + len(expected[2])
    assert found > 5  # the corpus holds sentences each kind of pattern finds


def test_one_reader_per_content_rulebook_and_forbidden_set() -> None:
    one = reader(CONTENT, RULES, "en", frozenset({"what_happened"}))
    assert reader(CONTENT, RULES, "en", frozenset({"what_happened"})) is one
    assert reader(CONTENT, RULES, "en", frozenset()) is not one
    assert not reader(CONTENT, RULES, "en", frozenset()).forbids and one.forbids
