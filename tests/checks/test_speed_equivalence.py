"""The fast paths of the check engine give exactly the results of the plain ones.

* literal prefilters (app/checks/prefilter.py): an anchored scan finds the same matches as
  `re.finditer`, and element detection that skips units without a required literal finds the
  same evidence as trying every unit, for every rule regex, on letters and on mangled letters;
* syllables counted chunk by chunk equal textstat's own count;
* a re-check with warm caches (the same letter, or an edited one) gives the same report as a
  cold run.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks import prefilter
from app.checks.engine import clear_caches, run_checks
from app.checks.legal import Evidence, _compiled, _unit_ok, detect
from app.checks.patterns import compiled, union
from app.checks.text import segment
from app.core.config import PROJECT_ROOT

LETTERS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))
ODD = ["İ", "ı", "ſ", "K", "ß", "’", "“", "—", "\n", "\n\n", " ", ".", "-", "@", "/", "é", "Σ", "1", "a.m.", "# ",
       "[[missing: dpo]]", "help@example.com", "www.example.org/x", "(800) 555-0100", "1,204 people", "June 3, 2026"]


def _sentences() -> list[str]:
    out: list[str] = []
    for p in LETTERS:
        out.extend(s.text for s in segment(p.read_text()).sentences)
    return out


SENTENCES = _sentences()


@st.composite
def letters(draw: st.DrawFn) -> str:
    """Pieces of real letters, re-cased and seasoned with characters that fold or split oddly."""
    parts = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=12))
    out = []
    for part in parts:
        how = draw(st.integers(0, 5))
        if how == 1:
            part = part.upper()
        elif how == 2:
            part = part.lower()
        elif how == 3:
            i = draw(st.integers(0, len(part)))
            part = part[:i] + draw(st.sampled_from(ODD)) + part[i:]
        out.append(part)
        out.append(draw(st.sampled_from([" ", "\n", "\n\n", "\n- ", "\n\n## What happened\n\n"])))
    return "".join(out)


def _rule_patterns(rulebook) -> list[re.Pattern[str]]:  # type: ignore[no-untyped-def]
    pats: list[re.Pattern[str]] = []
    for rule in rulebook.rules.values():
        if rule.kind == "phrases":
            pats.extend(compiled(t, rule.ignorecase) for t in rule.tokens)
            joined = union(rule.tokens, rule.ignorecase)
            if joined is not None:
                pats.append(joined)
        elif rule.kind == "substitution":
            pats.extend(compiled(t, rule.ignorecase) for t in rule.swap)
            joined = union(list(rule.swap), rule.ignorecase, named=True)
            if joined is not None:
                pats.append(joined)
        elif rule.kind == "conditional":
            pats.extend([compiled(rule.if_), compiled(rule.then)])
    for edef in rulebook.elements.values():
        pats.extend(compiled(p) for p in [*edef.detect, *edef.exclude, *edef.all_of])
    from app.checks import facts_consistency as fc
    from app.checks import readability

    pats.extend([fc._MISSING, fc._DATE, fc._PHONE, fc._SITE, fc._EMAIL, fc._COUNT, fc._MONITORING, readability._NOT_WORDS])
    return pats


def _spans(ms) -> list[tuple[int, int, str | None]]:  # type: ignore[no-untyped-def]
    return [(m.start(), m.end(), m.lastgroup) for m in ms]


def _detect_unfiltered(doc, edef) -> Evidence | None:  # type: ignore[no-untyped-def]
    """Element detection trying every unit with every regex (no prefilter)."""
    c = _compiled(edef)
    for h in doc.headings:
        if any(p.search(h.title) for p in c.headings):
            return Evidence(h.start, h.end, doc.text[h.start:h.end])
    if edef.scope == "document":
        m = _unit_ok(doc.text, c)
        return Evidence(m.start(), m.end(), m.group()) if m else None
    units = doc.paragraphs if edef.scope == "paragraph" else doc.sentences
    for u in units:
        m = _unit_ok(u.text, c)
        if m:
            if edef.scope == "paragraph":
                return Evidence(u.start + m.start(), u.start + m.end(), m.group())
            return Evidence(u.start, u.end, u.text)
    return None


def _check_text(text: str, rulebook) -> None:  # type: ignore[no-untyped-def]
    low = prefilter.folded(text)
    for pat in _rule_patterns(rulebook):
        want = [m for m in pat.finditer(text) if m.end() > m.start()]
        assert _spans(prefilter.finditer(pat, text, low)) == _spans(want), pat.pattern
        first = pat.search(text)
        got = prefilter.search(pat, text, low)
        assert (got and got.span()) == (first and first.span()), pat.pattern
        lits = prefilter.required_literals(pat.pattern)
        if want and low is not None:
            assert prefilter.may_match(lits, low), pat.pattern
    doc = segment(text)
    for eid, edef in rulebook.elements.items():
        assert detect(doc, edef) == _detect_unfiltered(doc, edef), eid


@pytest.mark.parametrize("path", LETTERS[::3], ids=lambda p: p.stem)
def test_prefilters_agree_on_letters(path, rulebook) -> None:  # type: ignore[no-untyped-def]
    _check_text(path.read_text(), rulebook)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=letters())
def test_prefilters_agree_on_mangled_letters(text, rulebook) -> None:  # type: ignore[no-untyped-def]
    _check_text(text, rulebook)


def test_required_literals_examples() -> None:
    assert prefilter.required_literals(r"\bout of an abundance of caution\b") == {"out of an abundance of caution"}
    assert prefilter.required_literals(r"\b(?:hackers?|phishing)\b") == {"hacker", "phishing"}
    assert prefilter.required_literals(r"\d+") is None
    assert prefilter.anchor(r"\bPII\b") == ({"pii"}, 0)
    assert prefilter.anchor(r"\d{1,3} people") == ({" people"}, 3)
    assert prefilter.anchor(r"\w+ people") is None
    assert prefilter.folded("İSTANBUL ſ") == "istanbul s"


def test_syllables_match_textstat(settings) -> None:  # type: ignore[no-untyped-def]
    import textstat

    from app.checks import readability
    from app.core.textstat_data import ensure_cmudict

    ensure_cmudict(settings.NLTK_DATA)
    rng = random.Random(3)
    pieces = SENTENCES[::2] + [w for s in SENTENCES[::7] for w in s.split()]
    alphabet = "abcdefghijKLMNOPstuvwxyz'’-.,;:!?\"“” \n\t0123456789_éİıſß—/()"
    pieces += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 25))) for _ in range(2000)]
    for piece in pieces:
        assert readability._syllables(piece) == textstat.syllable_count(piece), piece


def _report(text, rulebook, settings, facts=None):  # type: ignore[no-untyped-def]
    return run_checks(text, rulebook=rulebook, settings=settings, facts=facts, jurisdictions=("US-CA", "US-MA", "US-HIPAA"),
                      tone="formal", grammar=False).model_dump_json()


def test_warm_and_edited_rechecks_equal_cold_runs(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    for path in LETTERS[:12]:
        text = path.read_text()
        sentences = [s for s in segment(text).sentences if len(s.text) > 20]
        edits = [text]
        for _ in range(3):
            s = rng.choice(sentences)
            edits.append(text[:s.start] + rng.choice(["We are sorry. ", "Someone stole the laptop on May 3. ", ""]) + text[s.start:])
            edits.append(text[:s.end] + " " + rng.choice(ODD) + text[s.end:])
        warm = [_report(t, rulebook, settings) for t in edits]  # caches shared across the edits
        for t, got in zip(edits, warm):
            clear_caches()
            assert _report(t, rulebook, settings) == got
