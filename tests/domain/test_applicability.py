"""Applicability decisions one rule at a time: residence, data types, encryption, entity type, reasons."""

from __future__ import annotations

import pytest
from support.jurisdiction_scenarios import make_facts

from app.domain.jurisdictions import (
    applicable_jurisdictions,
    assess,
    condition_met,
    required_elements,
)
from app.rulebook.legal_schema import Condition


def _one(rulebook, code, facts):  # type: ignore[no-untyped-def]
    return assess(rulebook.jurisdiction(code), facts)


@pytest.mark.parametrize(
    ("code", "data", "applies"),
    [
        ("US-CA", ["username_password"], True),  # CA: credentials count without a name
        ("US-TX", ["username_password"], False),  # TX: they do not
        ("US-MA", ["name", "medical"], False),  # MA: core elements only
        ("US-TX", ["name", "medical"], True),  # TX: medical information counts
        ("US-ND", ["name", "date_of_birth"], True),  # ND: date of birth counts
        ("US-CA", ["name", "date_of_birth"], False),
        ("US-IN", ["ssn"], True),  # IN: SSN alone
        ("US-CA", ["ssn"], False),  # CA: SSN needs a name
        ("US-CA", ["name", "ssn"], True),
        ("US-NY", ["name", "biometric"], True),
        ("US-GA", ["name", "biometric"], False),
        ("EU-GDPR", ["email"], True),  # any personal data
    ],
)
def test_data_types(rulebook, code, data, applies) -> None:  # type: ignore[no-untyped-def]
    residence = "FR" if code == "EU-GDPR" else code
    result = _one(rulebook, code, make_facts({residence: 5}, data))
    assert result is not None
    assert result.applies is applies
    assert result.letters is applies
    assert result.reasons  # every answer says why


def test_not_reached_without_residents(rulebook) -> None:  # type: ignore[no-untyped-def]
    assert _one(rulebook, "US-CA", make_facts({"US-NY": 5}, ["name", "ssn"])) is None
    assert _one(rulebook, "US-CA", make_facts({"US-CA": 0}, ["name", "ssn"])) is None


@pytest.mark.parametrize(
    ("encrypted", "key", "ca", "fl"),
    [
        (False, False, True, True),
        (True, False, False, False),  # both exempt when the key is safe
        (
            True,
            True,
            True,
            True,
        ),  # CA: key clause; FL: no key clause, treated conservatively as not exempt
    ],
)
def test_encryption(rulebook, encrypted, key, ca, fl) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts({"US-CA": 5, "US-FL": 5}, ["name", "ssn"], encrypted=encrypted, key=key)
    assert _one(rulebook, "US-CA", facts).letters is ca
    assert _one(rulebook, "US-FL", facts).letters is fl


def test_gdpr_encryption_spares_letters_only(rulebook) -> None:  # type: ignore[no-untyped-def]
    result = _one(rulebook, "EU-GDPR", make_facts({"DE": 5}, ["name"], encrypted=True))
    assert result.applies and not result.letters
    assert any("regulator notice still applies" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("entities", "expected"),
    [
        (["business"], set()),
        (["hipaa_covered_entity"], {"US-HIPAA"}),
        (
            ["hipaa_business_associate"],
            {"US-HIPAA-BA"},
        ),  # 45 CFR 164.410: it tells the covered entity
        (["financial_institution"], {"US-GLBA"}),
        (["phr_vendor"], {"US-FTC-HBNR"}),
        (["phr_vendor", "hipaa_covered_entity"], {"US-HIPAA"}),
    ],
)
def test_entity_laws(rulebook, entities, expected) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts(
        {"US-TX": 5}, ["name", "medical", "financial_account"], entity_types=entities
    )
    federal = {
        a.jurisdiction
        for a in applicable_jurisdictions(facts, rulebook)
        if a.basis == "entity" and a.applies
    }
    assert federal == expected


def test_entity_law_covers_everyone(rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts(
        {"US-TX": 5, "DE": 2}, ["name", "medical"], entity_types=["hipaa_covered_entity"]
    )
    hipaa = _one(rulebook, "US-HIPAA", facts)
    assert hipaa.residences == {"US-TX": 5, "DE": 2} and hipaa.count == 7


def test_unknown_data_types_assumed_covered(rulebook) -> None:  # type: ignore[no-untyped-def]
    result = _one(rulebook, "US-CA", make_facts({"US-CA": 5}, []))
    assert result.applies and any("assumed" in r for r in result.reasons)


def test_conditions(rulebook) -> None:  # type: ignore[no-untyped-def]
    ma = rulebook.jurisdiction("US-MA")
    assert "credit_monitoring_offer" in required_elements(
        ma, make_facts({"US-MA": 1}, ["name", "ssn"])
    )
    assert "credit_monitoring_offer" not in required_elements(
        ma, make_facts({"US-MA": 1}, ["name", "payment_card"])
    )
    parent = make_facts(
        {"US-MA": 1},
        ["name", "ssn"],
        organisation={"name": "Acme", "parent_company": "Acme Holdings"},
    )
    assert "parent_company_name" in required_elements(ma, parent)
    assert "parent_company_name" not in required_elements(
        ma, make_facts({"US-MA": 1}, ["name", "ssn"])
    )
    facts = make_facts({"US-MA": 1}, ["name"])
    assert condition_met(Condition(element="x"), facts)  # no trigger: always
    assert not condition_met(Condition(element="x", when_offered=True), facts)
    assert condition_met(
        Condition(element="x", when_offered=True),
        make_facts({"US-MA": 1}, ["name"], monitoring_months=12),
    )


def test_unverified_marks_travel(rulebook) -> None:  # type: ignore[no-untyped-def]
    result = _one(rulebook, "US-KY", make_facts({"US-KY": 5}, ["name", "ssn"]))
    assert result.status == "unverified" and result.unverified
