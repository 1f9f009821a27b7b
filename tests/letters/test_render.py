"""Golden letters for every tone x jurisdiction variant, and what each variant must (not) say."""

from __future__ import annotations

import re

import pytest
from support.artifacts import GOLDEN_LETTERS as GOLDEN
from support.artifacts import GOLDEN_VARIANTS as VARIANTS
from support.artifacts import TEMPLATES
from support.golden import assert_golden
from support.recipients import CA_HEADINGS

from app.letters.context import TONES, build_context
from app.letters.drafting import draft_letter

CASES = [(ex, j, t) for ex, js in VARIANTS.items() for j in js for t in TONES]


def _available(rulebook, code: str) -> bool:
    return code in rulebook.jurisdictions


@pytest.mark.parametrize(("example", "jurisdiction", "tone"), CASES)
def test_golden_letter(example, jurisdiction, tone, example_facts, rulebook, update_golden):
    if not _available(rulebook, jurisdiction):
        pytest.skip(f"{jurisdiction} has no rule file yet")
    text = draft_letter(
        example_facts[example], rulebook, TEMPLATES, tone=tone, jurisdiction=jurisdiction
    ).text
    path = GOLDEN / f"{example}__{jurisdiction}__{tone}.md"
    assert_golden(path, text, update_golden)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


@pytest.mark.parametrize("example", sorted(VARIANTS))
def test_tones_differ_substantially(example, example_facts, rulebook):
    letters = {
        t: draft_letter(
            example_facts[example], rulebook, TEMPLATES, tone=t, jurisdiction="US-GENERIC"
        ).text
        for t in TONES
    }
    for a in TONES:
        for b in TONES:
            if a < b:
                wa, wb = _words(letters[a]), _words(letters[b])
                jaccard = len(wa & wb) / len(wa | wb)
                assert jaccard < 0.8, f"{a} and {b} share {jaccard:.0%} of their vocabulary"
                # Not a greeting swap: the body paragraphs differ, not just the first lines.
                pa = set(letters[a].split("\n\n")[4:])
                pb = set(letters[b].split("\n\n")[4:])
                assert len(pa & pb) / max(len(pa | pb), 1) < 0.6


def test_plain_tone_reads_at_grade_8_or_lower(example_facts, rulebook, settings):
    from app.checks.engine import run_checks

    for example in VARIANTS:
        text = draft_letter(
            example_facts[example], rulebook, TEMPLATES, tone="plain", jurisdiction="US-GENERIC"
        ).text
        report = run_checks(text, rulebook=rulebook, settings=settings, grammar=False)
        assert report.readability["flesch_kincaid_grade"] <= 8.0, example


@pytest.mark.parametrize("tone", TONES)
def test_massachusetts_variant_has_no_description_and_no_count(tone, example_facts, rulebook):
    facts = example_facts["retailer-card-breach"]
    text = draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction="US-MA").text
    assert facts.incident.summary not in text
    assert "malicious code" not in text.lower()
    assert not re.search(r"\b\d{1,3}(,\d{3})+\b", text), "a count of affected people appears"
    assert "What happened" not in text and "What Happened" not in text
    assert "police report" in text
    assert "free" in text.lower() and "freeze" in text.lower()


@pytest.mark.parametrize("tone", TONES)
def test_california_variant_has_title_and_headings(tone, example_facts, rulebook):
    text = draft_letter(
        example_facts["retailer-card-breach"], rulebook, TEMPLATES, tone=tone, jurisdiction="US-CA"
    ).text
    assert re.search(r"^# Notice of Data Breach$", text, re.M)
    model_form = re.findall(r"^## (.+)$", text, re.M)
    # The statute's model form punctuates its headings ("What Happened?", "What We Are Doing.").
    assert "What Happened?" in model_form and "What We Are Doing." in model_form
    headings = [h.rstrip("?.") for h in model_form]
    for h in CA_HEADINGS:
        assert h in headings
    order = [headings.index(h) for h in CA_HEADINGS]
    assert order == sorted(order)


def test_missing_facts_render_as_visible_markers(rulebook):
    from app.domain.facts import IncidentFacts

    facts = IncidentFacts.model_validate({"organisation": {"name": "Acme"}})
    text = draft_letter(facts, rulebook, TEMPLATES, tone="plain", jurisdiction="US-HIPAA").text
    for marker in (
        "[[missing: incident.breach_start]]",
        "[[missing: incident.discovery_date]]",
        "[[missing: data_types]]",
        "[[missing: contacts.toll_free.number]]",
        "[[missing: notice_date]]",
    ):
        assert marker in text
    assert "None" not in text


def test_steps_fit_the_exposed_data(example_facts, rulebook):
    card = build_context(
        example_facts["retailer-card-breach"], rulebook, jurisdiction="US-GENERIC", tone="plain"
    )
    assert [s.id for s in card.steps][:1] == ["card"]
    assert "freeze" not in {s.id for s in card.steps}
    creds = build_context(
        example_facts["saas-credentials"], rulebook, jurisdiction="US-GENERIC", tone="plain"
    )
    assert creds.steps[0].id == "passwords"
    hospital = build_context(
        example_facts["hospital-ransomware"], rulebook, jurisdiction="US-HIPAA", tone="plain"
    )
    ids = [s.id for s in hospital.steps]
    # A freeze prevents, monitoring only detects: the freeze comes first, then the offer with its deadline.
    assert ids[:2] == ["freeze", "monitoring"] and {
        "fraud_alert",
        "credit_reports",
        "benefits",
    } <= set(ids)
    assert "police_report" not in ids, "rights are stated in the rights paragraph, not as steps"


def test_monitoring_paragraph_only_when_offered(example_facts, rulebook):
    with_offer = draft_letter(
        example_facts["hospital-ransomware"],
        rulebook,
        TEMPLATES,
        tone="plain",
        jurisdiction="US-HIPAA",
    ).text
    assert "24 months" in with_offer and "November 30, 2026" in with_offer
    without = draft_letter(
        example_facts["retailer-card-breach"],
        rulebook,
        TEMPLATES,
        tone="plain",
        jurisdiction="US-GENERIC",
    ).text
    assert "credit monitoring" not in without.lower()


def test_content_texts_are_kept_per_the_values_they_name(tmp_path):
    """A content text that only prints and tests values renders once per (type, value) of the
    names it reads; a text with a filter or call renders every time (it may not be a function of
    its values); a name not given still fails loudly."""
    from jinja2.exceptions import UndefinedError

    from app.letters.content import _compiled, render_text
    from app.letters.directory import Contact

    folder = str(tmp_path)
    pure = "Call {{ c.name }}{% if flag %} now{% endif %}."
    assert _compiled(folder, pure).names == ("c", "flag")
    assert render_text(folder, pure, {"c": Contact(name="A"), "flag": True}) == "Call A now."
    assert render_text(folder, pure, {"c": Contact(name="B"), "flag": False}) == "Call B."
    assert render_text(folder, "{{ x }}", {"x": True}) == "True"
    assert render_text(folder, "{{ x }}", {"x": 1}) == "1"  # 1 == True, but printed apart
    assert _compiled(folder, "{{ c.name | upper }}").names is None
    assert render_text(folder, "{{ c.name | upper }}", {"c": Contact(name="a")}) == "A"
    with pytest.raises(UndefinedError):
        render_text(folder, pure, {"flag": True})


def test_a_step_that_prints_facts_is_kept_per_their_values(example_facts, rulebook):
    """The monitoring step prints the offer: the same offer gives the same Step in every draft,
    another offer its own words; a step that prints no fact is one Step for every letter."""
    from app.letters.context import build_context

    facts = example_facts["hospital-ransomware"]
    cm = facts.services.credit_monitoring
    other = facts.model_copy(
        update={
            "services": facts.services.model_copy(
                update={
                    "credit_monitoring": cm.model_copy(
                        update={"enrollment_url": "https://other.example/enrol"}
                    )
                }
            )
        }
    )

    def monitoring(f):  # type: ignore[no-untyped-def]
        ctx = build_context(f, rulebook, jurisdiction="US-HIPAA", tone="plain")
        return next(s for s in ctx.steps if s.id == "monitoring"), ctx.steps

    first, steps = monitoring(facts)
    again, steps_again = monitoring(facts)
    changed, _ = monitoring(other)
    assert again is first and "experianidworks.example/lakeview" in first.detail
    assert "other.example/enrol" in changed.detail and changed.title == first.title
    assert all(a is b for a, b in zip(steps, steps_again, strict=True))
    assert "{" not in "".join(s.title + s.reason + s.detail + s.deadline for s in steps)
