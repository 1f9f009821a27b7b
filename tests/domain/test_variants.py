"""Letter variants: fewest groups, no recipient's letter missing a requirement or carrying a prohibited element."""

from __future__ import annotations

import itertools

import pytest
from support.jurisdiction_scenarios import SSN, make_facts

from app.domain.jurisdictions import applicable_jurisdictions, required_elements
from app.domain.regions import US_STATES
from app.domain.variants import plan_variants, variant_for


def _plan(rulebook, facts):  # type: ignore[no-untyped-def]
    return plan_variants(facts, applicable_jurisdictions(facts, rulebook), rulebook)


def _satisfies(rulebook, facts, variant) -> bool:  # type: ignore[no-untyped-def]
    """Every recipient's own laws: requirements included, prohibitions excluded (own conflicts excepted)."""
    letter = set(variant.include) - set(variant.exclude)
    for residence in variant.residences:
        laws = [
            a
            for a in applicable_jurisdictions(facts, rulebook)
            if a.letters and residence in a.residences
        ]
        need = set().union(
            *(required_elements(rulebook.jurisdiction(a.jurisdiction), facts) for a in laws)
        )
        ban = (
            set().union(*(set(rulebook.jurisdiction(a.jurisdiction).prohibits) for a in laws))
            - need
        )
        if not need <= letter or ban & letter:
            return False
    return True


def test_ma_gets_a_letter_without_nature_and_count(rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts({"US-MA": 10, "US-CA": 10}, SSN)
    ma = variant_for("US-MA", _plan(rulebook, facts))
    assert ma is not None and ma.jurisdictions == ["US-MA"]
    assert {"what_happened", "affected_count"} <= set(ma.exclude)
    assert "what_happened" in variant_for("US-CA", _plan(rulebook, facts)).include


def test_all_states_with_ssn_is_three_variants_at_most(rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts({code: 10 for code in US_STATES}, SSN)
    variants = _plan(rulebook, facts)
    # MA conflicts with the what_happened states, RI (requires the count) with IL: two letters suffice.
    assert len(variants) == 2
    assert sum(v.recipients for v in variants) == 10 * len(US_STATES)
    assert variant_for("US-MA", variants) is variant_for("US-IL", variants)
    for v in variants:
        assert _satisfies(rulebook, facts, v)


def test_minimal_against_brute_force(rulebook) -> None:  # type: ignore[no-untyped-def]
    """For a small mix, no partition into fewer groups is valid."""
    codes = ["US-MA", "US-IL", "US-RI", "US-CA", "US-NC"]
    facts = make_facts({c: 5 for c in codes}, SSN)
    variants = _plan(rulebook, facts)
    for v in variants:
        assert _satisfies(rulebook, facts, v)
    if len(variants) > 1:
        # Any single letter for everyone must break someone's law.
        everyone = [a for a in applicable_jurisdictions(facts, rulebook) if a.letters]
        need = set().union(
            *(required_elements(rulebook.jurisdiction(a.jurisdiction), facts) for a in everyone)
        )
        ban = set().union(*(set(rulebook.jurisdiction(a.jurisdiction).prohibits) for a in everyone))
        assert need & ban
    assert len(variants) == 2


def test_international_letters_stay_apart_from_us(rulebook) -> None:  # type: ignore[no-untyped-def]
    variants = _plan(rulebook, make_facts({"US-TX": 5, "DE": 5}, SSN))
    assert sorted(sorted(v.residences) for v in variants) == [["DE"], ["US-TX"]]


def test_own_conflict_is_reported(rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts(
        {"US-MA": 5}, ["name", "ssn", "medical"], entity_types=["hipaa_covered_entity"]
    )
    (v,) = _plan(rulebook, facts)
    assert v.conflicts and "what_happened" in v.conflicts[0]
    assert "what_happened" in v.include and "what_happened" not in v.exclude
    assert "affected_count" in v.exclude


def test_ids_largest_first(rulebook) -> None:  # type: ignore[no-untyped-def]
    variants = _plan(rulebook, make_facts({"US-MA": 500, "US-CA": 10}, SSN))
    assert [v.id for v in variants] == [
        "US-MA",
        "US-CA",
    ]  # the one variant id: its laws joined by "+"
    assert variants[0].residences == {"US-MA": 500}


@pytest.mark.parametrize(
    "pair",
    list(itertools.combinations(["US-MA", "US-IL", "US-RI", "US-CA", "US-TX", "US-NY", "DE"], 2)),
)
def test_every_pair_is_valid(rulebook, pair) -> None:  # type: ignore[no-untyped-def]
    facts = make_facts({c: 3 for c in pair}, SSN)
    variants = _plan(rulebook, facts)
    assert {r for v in variants for r in v.residences} == set(pair)
    for v in variants:
        assert _satisfies(rulebook, facts, v)
