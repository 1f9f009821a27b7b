"""Acceptance: for every jurisdiction file, the drafted letter of its variant passes that jurisdiction's legal check.

Facts are rich (every contact channel, monitoring for 24 months, a DPO) so a failure means the
drafting, the templates or the rule file disagree — not that a fact is unknown.
"""

from __future__ import annotations

from datetime import date

import pytest
from support.jurisdiction_scenarios import make_facts

from app.checks.engine import run_checks
from app.core.config import PROJECT_ROOT
from app.domain.obligations import obligations_report
from app.domain.regions import US_STATES
from app.letters.drafting import draft_letter
from app.rulebook.loader import load_rulebook

TEMPLATES = PROJECT_ROOT / "templates" / "letters"
RULES = load_rulebook(PROJECT_ROOT / "rules")
CODES = sorted(c for c, r in RULES.jurisdictions.items() if c != "US-GENERIC" and r.letter)
ENTITY = {
    "US-HIPAA": "hipaa_covered_entity",
    "US-FTC-HBNR": "phr_vendor",
    "US-GLBA": "financial_institution",
}


def rich_facts(affected: dict[str, int], entity: str = "business"):  # type: ignore[no-untyped-def]
    return make_facts(
        affected,
        ["name", "ssn", "financial_account", "medical"],
        entity_types=[entity],
        notice_date=date(2026, 3, 20),
        incident={
            "summary": "A criminal got into our billing server and copied customer files.",
            "cause": "hacking",
            "breach_start": "2026-02-20",
            "breach_end": "2026-02-24",
            "discovery_date": "2026-03-02",
            "containment_date": "2026-03-03",
            "third_parties": "an unknown criminal group",
        },
        organisation={
            "name": "Acme Health",
            "parent_company": "Acme Holdings",
            "entity_types": [entity],
            "address": {
                "street": "1 Main Street",
                "city": "Springfield",
                "region": "IL",
                "postal_code": "62701",
            },
        },
        # The last step states the security measures in place: Brazil (LGPD Art. 48 §1) requires them and the
        # templates have no block of their own for it yet, so the responder states them among the steps.
        remediation=[
            "We shut down the server.",
            "We reset every password.",
            "Firewalls and access controls protected the server; we have now added two-step login.",
        ],
        services={
            "credit_monitoring": {
                "provider": "Experian IdentityWorks",
                "months": 24,
                "enrollment_url": "https://example.com/enroll",
                "enroll_by": "2026-06-30",
                "phone": "1-833-555-0177",
            }
        },
        contacts={
            "toll_free": {
                "number": "1-888-555-0193",
                "hours": "Monday to Friday, 8 a.m. to 6 p.m. Central",
            },
            "email": "privacy@acme.example",
            "website": "https://acme.example/notice",
            "postal_address": {
                "street": "P.O. Box 1",
                "city": "Springfield",
                "region": "IL",
                "postal_code": "62708",
            },
            "dpo": {"name": "Dana Ortiz", "email": "dpo@acme.example"},
        },
        signatory={"name": "Marcus Bell", "title": "Privacy Officer"},
    )


def _residence(code: str) -> str:
    rule = RULES.jurisdiction(code)
    return rule.applicability.residence[0] if rule.applicability.residence else "US-TX"


def _own_failures(report, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"{e.requirement} {e.element} (detected={e.detected})"
        for e in report.elements
        if e.jurisdiction == code and not e.ok
    ]


@pytest.mark.parametrize("code", CODES)
def test_variant_letter_passes_its_own_check(code: str, settings) -> None:  # type: ignore[no-untyped-def]
    facts = rich_facts({_residence(code): 600}, ENTITY.get(code, "business"))
    report = obligations_report(facts, RULES, date(2026, 3, 10))
    variant = next(v for v in report.variants if code in v.jurisdictions)
    letter = draft_letter(
        facts, RULES, TEMPLATES, tone="plain", jurisdictions=variant.jurisdictions
    )
    checked = run_checks(
        letter.text,
        rulebook=RULES,
        settings=settings,
        facts=facts,
        jurisdictions=[code],
        tone="plain",
        grammar=False,
    )
    assert _own_failures(checked, code) == [], letter.text


def test_generic_letter_passes(settings) -> None:  # type: ignore[no-untyped-def]
    facts = rich_facts({"US-TX": 10})
    letter = draft_letter(facts, RULES, TEMPLATES, tone="plain", jurisdiction="US-GENERIC")
    checked = run_checks(
        letter.text,
        rulebook=RULES,
        settings=settings,
        facts=facts,
        jurisdictions=["US-GENERIC"],
        grammar=False,
    )
    assert _own_failures(checked, "US-GENERIC") == []


@pytest.mark.parametrize("tone", ["plain", "formal", "empathetic"])
def test_all_states_mix_every_variant_passes_for_every_member(tone: str, settings) -> None:  # type: ignore[no-untyped-def]
    facts = rich_facts({code: 10 for code in US_STATES})
    report = obligations_report(facts, RULES, date(2026, 3, 10))
    failures = {}
    for v in report.variants:
        letter = draft_letter(facts, RULES, TEMPLATES, tone=tone, jurisdictions=v.jurisdictions)
        checked = run_checks(
            letter.text,
            rulebook=RULES,
            settings=settings,
            facts=facts,
            jurisdictions=v.jurisdictions,
            tone=tone,
            grammar=False,
        )
        for code in v.jurisdictions:
            bad = _own_failures(checked, code)
            if bad:
                failures[f"{v.id}/{code}"] = bad
    assert failures == {}


@pytest.mark.parametrize("other", sorted(c for c in US_STATES if c != "US-MA"))
def test_massachusetts_with_each_state(other: str, settings) -> None:  # type: ignore[no-untyped-def]
    """MA's prohibitions are the strictest: whatever the pairing, each law's letter passes its own check."""
    facts = rich_facts({"US-MA": 10, other: 10})
    report = obligations_report(facts, RULES, date(2026, 3, 10))
    for v in report.variants:
        letter = draft_letter(facts, RULES, TEMPLATES, tone="plain", jurisdictions=v.jurisdictions)
        checked = run_checks(
            letter.text,
            rulebook=RULES,
            settings=settings,
            facts=facts,
            jurisdictions=v.jurisdictions,
            grammar=False,
        )
        for code in v.jurisdictions:
            assert _own_failures(checked, code) == [], f"{v.id} {code}\n{letter.text}"
