"""Contacts fitted to the letter's audience (issue 19.3, 19.6): an international number with its
local hours in letters outside the US, the EU DPO in US letters only when they serve US residents."""

from __future__ import annotations

import re

import pytest

from app.core.config import PROJECT_ROOT
from app.letters.context import TONES
from app.letters.drafting import draft_letter

TEMPLATES = PROJECT_ROOT / "templates" / "letters"
HOURS = "Monday to Friday, 9:00 to 17:00 Irish time"


def _contact_section(text: str) -> str:
    return text.split("\n## ")[-1]


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("jurisdiction", ["EU-GDPR", "GB-UKGDPR"])
def test_non_us_letter_gives_the_international_number_with_its_local_hours(
    tone, jurisdiction, example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["saas-credentials"]
    assert facts.contacts.phone_hours == HOURS
    contact = _contact_section(
        draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction=jurisdiction).text
    )
    sentence = next(s for s in re.split(r"(?<=\.)\s+", contact) if "+353 1 555 0199" in s)
    assert HOURS in sentence, sentence  # the hours belong to the international number...
    assert contact.index(HOURS) < contact.index("1-844-555-0128")  # ...which comes first
    assert "6 a.m. to 6 p.m. Pacific" in contact  # the US line keeps its own hours


@pytest.mark.parametrize("tone", TONES)
def test_local_hours_appear_only_with_an_international_number(
    tone, example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["saas-credentials"].model_copy(deep=True)
    facts.contacts.phone = None
    text = draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction="EU-GDPR").text
    assert HOURS not in text and "1-844-555-0128" in text
    us = draft_letter(
        example_facts["saas-credentials"], rulebook, TEMPLATES, tone=tone, jurisdiction="US-CA"
    ).text
    assert HOURS not in us and "+353" not in us


@pytest.mark.parametrize("tone", TONES)
def test_us_letter_names_the_dpo_only_when_they_serve_us_residents(
    tone, example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["saas-credentials"].model_copy(deep=True)
    dpo = facts.contacts.dpo
    default = draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction="US-CA").text
    assert dpo.name not in default and dpo.email not in default
    dpo.serves_us_residents = True
    serving = draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction="US-CA").text
    contact = _contact_section(serving)
    assert dpo.name in contact and dpo.email in contact
    # Still no report to the Irish regulator in a US letter: it does not serve US residents.
    assert "Irish Data Protection Commission" not in serving
