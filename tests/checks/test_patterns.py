"""The required-literal contract (app/checks/patterns.py): every match of a rule regex contains
the literal read from its text, so leaving out alternatives whose literal is absent changes no
match. Checked on every regex of the rulebook against every corpus letter (and the letters with
line breaks read as spaces, as sentence patterns see them), and on mangled letters."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks.patterns import compiled, fold, required_literal
from app.core.config import PROJECT_ROOT
from app.rulebook.loader import load_rulebook

RULEBOOK = load_rulebook(PROJECT_ROOT / "rules")
LETTERS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))


def _rule_regexes() -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for rule in RULEBOOK.rules.values():
        icase = getattr(rule, "ignorecase", True)
        for attr in ("tokens", "exceptions", "unless"):
            out += [(p, icase) for p in getattr(rule, attr, None) or []]
        out += [(p, icase) for p in (getattr(rule, "swap", None) or {})]
        out += [
            (p.match, icase) for p in getattr(rule, "patterns", None) or [] if hasattr(p, "match")
        ]
    for edef in RULEBOOK.elements.values():
        out += [(p, True) for p in [*edef.detect, *edef.all_of, *edef.headings]]
    return sorted(set(out))


REGEXES = [(p, i) for p, i in _rule_regexes() if required_literal(p) is not None]


def _check(text: str) -> None:
    for pattern, icase in REGEXES:
        lit = required_literal(pattern)
        for m in compiled(pattern, icase).finditer(text):
            if m.end() > m.start():
                assert lit in fold(m.group()), (pattern, lit, m.group())


def test_most_rule_regexes_have_a_literal() -> None:
    assert len(REGEXES) > 0.5 * len(_rule_regexes())


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.name)
def test_literal_is_in_every_match_on_the_corpus(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text()
    _check(text)
    _check(re.sub(r"\s", " ", text))


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(LETTERS),
    st.integers(0, 2000),
    st.text(alphabet="İıſKÅ \n.,;:-'’\"()[]*#0123456789aZ", max_size=12),
)
def test_literal_is_in_every_match_on_mangled_letters(path, at, noise) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text()
    at = min(at, len(text))
    _check(text[:at] + noise + text[at:].upper())


def test_examples() -> None:
    assert (
        required_literal(r"\bout of an abundance of caution\b") == "out of an abundance of caution"
    )
    assert required_literal(r"\b(?:hackers?|phishing)\b") is None  # the literal is inside a group
    assert required_literal(r"\brisks?\b(?: [\w,]+){0,6} (?:is|remains)") == "risk"
    assert required_literal(r"\bfoo|bar") is None  # top-level alternatives: no common literal
    assert required_literal(r"\d+") is None
    assert required_literal(r"\bP\.O\. Box") == "p.o. box"
    assert fold("İSTANBUL ſ") == "istanbul s"
