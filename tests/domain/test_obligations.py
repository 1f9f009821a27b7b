"""Table-driven: hand-worked scenarios (tests/support/jurisdiction_scenarios.py) against the full obligations report."""

from __future__ import annotations

from datetime import date

import pytest
from support.jurisdiction_scenarios import (
    SCENARIOS,
    Scenario,
    find_obligations,
    lettered,
    make_facts,
)

from app.domain.calendars import add_business_days
from app.domain.obligations import obligations_report, resolve_today


@pytest.fixture(params=SCENARIOS, ids=[s.id for s in SCENARIOS])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return request.param


def test_scenario_count() -> None:
    assert len(SCENARIOS) >= 20


def test_applicable_jurisdictions(scenario: Scenario, rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(scenario.facts, rulebook, scenario.today)
    assert lettered(report) == scenario.letters, scenario.why
    not_applicable = {a.jurisdiction for a in report.jurisdictions if not a.applies}
    assert scenario.not_applicable <= not_applicable, scenario.why


def test_variants(scenario: Scenario, rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(scenario.facts, rulebook, scenario.today)
    got = sorted(sorted(v.residences) for v in report.variants)
    assert got == sorted(sorted(g) for g in scenario.variants), scenario.why
    assert set(report.no_letter) == scenario.no_letter


def test_due_dates(scenario: Scenario, rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(scenario.facts, rulebook, scenario.today)
    for (jurisdiction, obligation, recipient), due in scenario.due.items():
        found = find_obligations(report, jurisdiction, obligation, recipient)
        assert found, f"{jurisdiction} {obligation} {recipient!r} missing; {scenario.why}"
        assert found[0].due == due, (
            f"{jurisdiction} {obligation}: {found[0].due} != {due}; {scenario.why}"
        )
        expected_left = (due - scenario.today).days if due else None
        assert found[0].days_left == expected_left
        assert found[0].citation
    for key in scenario.absent:
        assert not find_obligations(report, *key), f"{key} should not be listed; {scenario.why}"


def test_obligations_are_sorted_by_due_date_undated_last(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(SCENARIOS[0].facts, rulebook, SCENARIOS[0].today)
    dues = [o.due for o in report.obligations]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert dues[: len(dated)] == dated  # undated ones come last


def test_unverified_flag_follows_the_rule_file(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(
        make_facts({"US-KY": 2000, "US-AL": 2000}, ["name", "ssn"]), rulebook, date(2026, 3, 10)
    )
    ky = find_obligations(report, "US-KY", "cra", "")
    al = find_obligations(report, "US-AL", "regulator", "")
    assert ky and all(o.unverified for o in ky)  # no primary source read for Kentucky
    assert al and not any(
        o.unverified for o in al
    )  # verified: Ala. Code § 8-38-5 and two secondary charts


def test_overdue_is_negative_days_left(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(make_facts({"DE": 1}, ["name"]), rulebook, date(2026, 4, 1))
    (sa,) = find_obligations(report, "EU-GDPR", "regulator", "")
    assert sa.due == date(2026, 3, 5) and sa.days_left == -27


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 6), 3, date(2026, 3, 11)),  # Fri + 3 -> Wed
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Sat + 1 -> Mon
        (date(2026, 3, 2), 14, date(2026, 3, 20)),  # Mon + 14 -> Fri two weeks later
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
    ],
)
def test_business_days(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


def test_resolve_today() -> None:
    assert resolve_today("2026-11-27") == date(2026, 11, 27)
    assert resolve_today(None, real=date(2026, 1, 2)) == date(2026, 1, 2)
    with pytest.raises(ValueError, match="not a date"):
        resolve_today("27/11/2026")
