"""Each downplaying family lets its labelled counter-examples pass, and flags the near misses.

The counter-examples (tests/fixtures/downplaying/counterexamples.yml) are the shapes a
phrase list gets wrong: advice, conditions, the review's own questions, warnings, facts and
numbers, other subjects, negation. A failure names the family and the sentence.
"""

from __future__ import annotations

import pytest
import yaml

from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.corpus.families import family_findings

DATA = yaml.safe_load(
    (PROJECT_ROOT / "tests" / "fixtures" / "downplaying" / "counterexamples.yml").read_text()
)
NEAR = DATA.pop("near_misses_flagged")
PASS = [
    pytest.param(fam, text, id=f"{fam}:{i}")
    for fam, texts in DATA.items()
    for i, text in enumerate(texts)
]
FLAG = [
    pytest.param(fam, text, id=f"{fam}:{i}")
    for fam, texts in NEAR.items()
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize(("family", "text"), PASS)
def test_counter_example_is_not_flagged(family: str, text: str, rulebook) -> None:  # type: ignore[no-untyped-def]
    found = family_findings(segment(text), rulebook)[family]
    assert not found, f"{family}: false positive {found[0].message!r} on {text!r}"


@pytest.mark.parametrize(("family", "text"), FLAG)
def test_near_miss_is_flagged(family: str, text: str, rulebook) -> None:  # type: ignore[no-untyped-def]
    assert family_findings(segment(text), rulebook)[family], f"{family}: not flagged: {text!r}"


def test_every_family_has_counter_examples(rulebook) -> None:  # type: ignore[no-untyped-def]
    from app.corpus.families import family_rules

    thin = [f for f in family_rules(rulebook) if len(DATA.get(f, [])) < 5 or not NEAR.get(f)]
    assert not thin, f"families with fewer than 5 counter-examples or no near miss: {thin}"
