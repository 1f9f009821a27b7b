"""Letters Candor drafts from the example facts pass their own jurisdiction's legal check.

For every example incident, every tone and every jurisdiction in rules/legal with letter
content, the drafted letter must have no error-level legal finding for that jurisdiction.
An element the facts cannot supply (a GDPR DPO contact when the incident record has no DPO)
is reported as a facts gap and must then be the only kind of legal error.
"""

from __future__ import annotations

import pytest
from support.artifacts import check

from app.core.config import PROJECT_ROOT
from app.letters.context import TONES
from app.letters.drafting import draft_letter

EXAMPLE_NAMES = sorted(p.stem for p in (PROJECT_ROOT / "examples").glob("*.json"))


def facts_gaps(facts) -> set[str]:  # type: ignore[no-untyped-def]
    """Elements a letter cannot carry because the incident record lacks the fact."""
    gaps = set()
    if facts.contacts.dpo is None:
        gaps.add("dpo_contact")
    return gaps


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_drafted_letters_pass_their_own_jurisdiction(
    example: str, tone: str, example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts[example]
    gaps = facts_gaps(facts)
    failures = []
    checked = 0
    for code, rule in sorted(rulebook.jurisdictions.items()):
        if not rule.letter:
            continue
        letter = draft_letter(facts, rulebook, settings.TEMPLATES_DIR, tone=tone, jurisdiction=code)
        report = check(letter.text, facts, rulebook, settings, tone=tone, jurisdiction=code)
        checked += 1
        for f in report.findings:
            if (
                f.check == "legal"
                and f.severity.value == "error"
                and f.rule.rsplit(".", 1)[-1] not in gaps
            ):
                failures.append(f"{code}: {f.rule}: {f.message}")
    assert checked >= 5
    assert not failures, "\n".join(failures)


def test_facts_gap_is_reported_not_hidden(example_facts, rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    """Without a DPO in the facts, the GDPR letter's missing DPO contact is still an error finding."""
    facts = next((f for f in example_facts.values() if f.contacts.dpo is None), None)
    if facts is None:
        pytest.skip("every example has a DPO")
    letter = draft_letter(
        facts, rulebook, settings.TEMPLATES_DIR, tone="plain", jurisdiction="EU-GDPR"
    )
    report = check(letter.text, facts, rulebook, settings, tone="plain", jurisdiction="EU-GDPR")
    assert any(
        f.rule.endswith("dpo_contact") and f.severity.value == "error" for f in report.findings
    )
