"""The engine and the check kinds on small texts: spans, ids, facts, empathy, readability, grammar."""

from __future__ import annotations

import datetime as dt

import pytest

from app.checks.base import Finding, GrammarStatus, Severity
from app.checks.engine import run_checks
from app.checks.grammar import GrammarResult
from app.checks.text import segment
from app.core.errors import InvalidInput, TooLarge
from app.domain.facts import IncidentFacts

GOOD = (
    "Acme Corp\n\nMarch 14, 2026\n\nDear Sam,\n\n## What Happened\n\nOn March 3, 2026 we learned that someone had opened "
    "an employee's mailbox. Protecting your information is our job, and we are sorry.\n\nWe are offering you 24 months of free credit monitoring. "
    "Enroll at www.acme.example by June 30, 2026.\n\nCall us at 1-800-555-0100.\n"
)


def check(text, rulebook, settings, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("grammar", False)
    return run_checks(text, rulebook=rulebook, settings=settings, **kw)


def test_spans_lie_in_the_text_and_ids_are_stable(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    r1 = check(GOOD, rulebook, settings, jurisdictions=("US-CA",))
    r2 = check(GOOD, rulebook, settings, jurisdictions=("US-CA",))
    assert [f.id for f in r1.findings] == [f.id for f in r2.findings]
    assert len({f.id for f in r1.findings}) == len(r1.findings)
    for f in r1.findings:
        assert f.id
        if f.start is not None:
            assert 0 <= f.start <= f.end <= len(GOOD)
    assert r1.findings == sorted(r1.findings, key=Finding.sort_key)
    assert r1.rulebook == rulebook.hash


def test_hedging_and_cliche_point_at_the_words(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    text = "Your information may have been affected. We take your privacy very seriously."
    r = check(text, rulebook, settings)
    hedge = next(f for f in r.findings if f.rule == "empathy.hedging")
    assert text[hedge.start : hedge.end] == "may have been affected"
    assert any(f.rule == "empathy.cliches" for f in r.findings)


def test_substitution_carries_the_rewrite(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    r = check("Out of an abundance of caution, we are writing.", rulebook, settings)
    f = next(f for f in r.findings if f.rule == "empathy.downplaying")
    assert f.suggestion == "To protect you" and f.start == 0


def test_no_evidence_is_fine_with_a_warning(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    bare = check("We have no evidence that your information was misused.", rulebook, settings)
    warned = check(
        "We have no evidence that your information was misused, but criminals could use it to send fake emails.",
        rulebook,
        settings,
    )
    assert any(f.rule == "empathy.no_evidence" for f in bare.findings)
    assert not any(f.rule == "empathy.no_evidence" for f in warned.findings)


def test_empathy_components_with_evidence(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    r = check(GOOD, rulebook, settings)
    comps = {c.component: c for c in r.empathy}
    assert comps["responsibility"].detected and GOOD[comps["responsibility"].start :].startswith(
        "Protecting your information is our job"
    )
    assert comps["repair"].detected and comps["regret"].detected
    assert r.empathy[0].component == "responsibility"  # heaviest first
    cold = check("We are writing to inform you of an incident.", rulebook, settings)
    assert not {c.component: c for c in cold.empathy}["responsibility"].detected


def test_legal_elements_required_and_prohibited(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    r = check(
        "Ransomware encrypted our files. 1,200 residents were affected.",
        rulebook,
        settings,
        jurisdictions=("US-MA",),
    )
    by = {e.element: e for e in r.elements}
    assert (
        by["what_happened"].requirement == "prohibited"
        and by["what_happened"].detected
        and not by["what_happened"].ok
    )
    assert by["affected_count"].start is not None
    assert not by["police_report_right"].ok
    assert r.has_errors
    assert any("not evaluated" in n for n in r.notes)


def test_conditional_element_from_facts(rulebook, settings, example_facts) -> None:  # type: ignore[no-untyped-def]
    facts = next(f for f in example_facts.values() if "ssn" in [t.value for t in f.data_types])
    text = "Your Social Security number was involved. We offer 12 months of free credit monitoring through Experian IdentityWorks; enroll now."
    r = check(text, rulebook, settings, facts=facts, jurisdictions=("US-MA",))
    cm = next(e for e in r.elements if e.element == "credit_monitoring_offer")
    assert cm.conditional and cm.detected and not cm.ok
    assert any(
        "18 months" in f.message for f in r.findings if f.rule.endswith("credit_monitoring_offer")
    )


def test_facts_consistency(rulebook, settings, example_facts) -> None:  # type: ignore[no-untyped-def]
    facts: IncidentFacts = next(
        f
        for f in example_facts.values()
        if f.services.credit_monitoring and f.services.credit_monitoring.enroll_by
    )
    cm = facts.services.credit_monitoring
    wrong = cm.enroll_by + dt.timedelta(days=1)
    text = (
        f"We offer {cm.months + 1} months of free credit monitoring. Please enroll by {wrong:%B} {wrong.day}, {wrong.year}. "
        "Call 1-800-555-0999. [[missing: incident.summary]] Dear [[recipient: name]]."
    )
    r = check(text, rulebook, settings, facts=facts)
    rules = {f.rule: f for f in r.findings if f.check == "facts"}
    assert rules["facts.enroll_by"].severity is Severity.error
    assert rules["facts.monitoring_months"].severity is Severity.error
    assert rules["facts.phone"].severity is Severity.warning
    marker = rules["facts.missing_marker"]
    assert text[marker.start : marker.end] == "[[missing: incident.summary]]"
    assert sum(1 for f in r.findings if f.rule == "facts.missing_marker") == 1


def test_readability_points_at_the_hard_sentence(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    hard = (
        "Following a comprehensive review of the affected files, which concluded on January 20, the organization determined "
        "that those files contained your name in combination with one or more categories of information that vary by individual."
    )
    text = "We are sorry. " + hard + " Call us."
    r = check(text, rulebook, settings)
    f = next(f for f in r.findings if f.rule == "readability.sentence")
    assert text[f.start : f.end] == hard
    assert "words" in f.message and "long words" in f.message
    assert r.readability["flesch_kincaid_grade"] > 0


def test_tone_picks_thresholds(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    text = (
        "We are writing to notify you regarding an unauthorized access incident affecting our organization's systems. "
        * 3
    )
    plain = check(text, rulebook, settings, tone="plain")
    formal = check(text, rulebook, settings, tone="formal")
    assert any(f.rule == "readability.plain" for f in plain.findings)
    assert not any(f.rule == "readability.plain" for f in formal.findings)


def test_empty_text(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    r = check("", rulebook, settings, jurisdictions=("US-CA",))
    assert r.readability == {}
    assert any("empty" in n for n in r.notes)


def test_limits_and_bad_selection(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    small = settings.model_copy(update={"MAX_TEXT_CHARS": 10})
    with pytest.raises(TooLarge, match="limit is 10"):
        check("x" * 11, rulebook, small)
    with pytest.raises(InvalidInput, match="Unknown jurisdiction"):
        check("x", rulebook, settings, jurisdictions=("XX-ZZ",))
    with pytest.raises(InvalidInput, match="Unknown tone"):
        check("x", rulebook, settings, tone="snarky")


def test_grammar_goes_through_the_interface(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    class Fake:
        def check(self, text: str) -> GrammarResult:
            return GrammarResult(
                [
                    Finding(
                        rule="grammar.X",
                        check="grammar",
                        severity=Severity.suggestion,
                        message="m",
                        start=0,
                        end=2,
                    )
                ],
                GrammarStatus(status="ok"),
            )

    r = check("Hi there.", rulebook, settings, grammar=Fake())
    assert r.grammar.status == "ok" and any(f.rule == "grammar.X" for f in r.findings)
    assert check("Hi there.", rulebook, settings, grammar=False).grammar.status == "skipped"
    unconfigured = settings.model_copy(
        update={"LANGUAGETOOL_URL": None, "GRAMMAR_ENGINE": "languagetool"}
    )
    assert check("Hi there.", rulebook, unconfigured, grammar=True).grammar.status == "unavailable"
    embedded = settings.model_copy(update={"LANGUAGETOOL_URL": None, "GRAMMAR_ENGINE": "auto"})
    assert (
        check("Hi there.", rulebook, embedded, grammar=True).grammar.status == "ok"
    )  # Harper, offline


def test_segmentation_keeps_offsets() -> None:
    text = "ACME Inc.\n123 Main St.\n\n## What you can do\n\n- Change your password. Then sign in.\n- Call us at 8 a.m. Eastern.\n"
    doc = segment(text)
    assert [h.title for h in doc.headings] == ["What you can do"]
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
    assert any(s.text == "Change your password." for s in doc.sentences)
    assert any(s.text == "Call us at 8 a.m. Eastern." for s in doc.sentences)
    assert doc.line_col(text.index("Change")) == (6, 3)
