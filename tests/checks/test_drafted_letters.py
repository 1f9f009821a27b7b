"""Letters Candor drafts from the example facts pass their own jurisdiction's legal check.

For every example incident, every tone and every jurisdiction in rules/legal with letter
content, the drafted letter must have no error-level legal finding for that jurisdiction.
A law that asks for "the data protection officer or other contact point" (GDPR Art. 33(3)(b))
is met without a DPO in the facts: the letter names its contact point.
"""

from __future__ import annotations

import pytest
from support.artifacts import check

from app.core.config import PROJECT_ROOT
from app.letters.context import TONES
from app.letters.drafting import draft_letter

EXAMPLE_NAMES = sorted(p.stem for p in (PROJECT_ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_drafted_letters_pass_their_own_jurisdiction(
    example: str, tone: str, example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts[example]
    failures = []
    checked = 0
    for code, rule in sorted(rulebook.jurisdictions.items()):
        if not rule.letter:
            continue
        letter = draft_letter(facts, rulebook, settings.TEMPLATES_DIR, tone=tone, jurisdiction=code)
        report = check(letter.text, facts, rulebook, settings, tone=tone, jurisdiction=code)
        checked += 1
        for f in report.findings:
            if f.check == "legal" and f.severity.value == "error":
                failures.append(f"{code}: {f.rule}: {f.message}")
    assert checked >= 5
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("tone", TONES)
def test_without_a_dpo_the_letter_names_its_contact_point(
    tone, language, example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    """No DPO in the facts: the GDPR letter names the contact point (the e-mail address, else a
    phone number) and meets the element; with a DPO it names the DPO instead."""
    from support.artifacts import draft

    facts = example_facts["saas-credentials"]
    assert facts.contacts.dpo is not None
    without = facts.model_copy(update={"contacts": facts.contacts.model_copy(update={"dpo": None})})
    said = {"en": "contact point", "es": "punto de contacto"}[language]
    for case, expect_point in ((facts, False), (without, True)):
        text = draft(case, rulebook, tone=tone, jurisdiction="EU-GDPR", language=language)
        assert (said in text) is expect_point and "[[missing" not in text
        if expect_point:
            assert f"{said} " in text and case.contacts.email in text.split(said, 1)[1][:200]
        report = check(
            text, case, rulebook, settings, tone=tone, jurisdiction="EU-GDPR", language=language
        )
        assert not [
            f.rule for f in report.findings if f.check == "legal" and f.severity.value == "error"
        ]
    no_email = without.model_copy(
        update={"contacts": without.contacts.model_copy(update={"email": None})}
    )
    text = draft(no_email, rulebook, tone=tone, jurisdiction="EU-GDPR", language=language)
    point = text.split(said, 1)[1][:200]
    assert (no_email.contacts.phone or no_email.contacts.toll_free.number) in point
