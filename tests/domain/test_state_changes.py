"""One hand-worked scenario per state whose rule changed in the issue #11 review (the working is in each docstring).

Discovery is Monday 2026-03-02 (tests/support/jurisdiction_scenarios.py) unless stated. Sources are the ones the
rule files record under `sources:`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from support.jurisdiction_scenarios import TODAY, find_obligations, lettered, make_facts

from app.domain.jurisdictions import condition_met
from app.domain.obligations import obligations_report


def test_alaska_no_harm_determination_needs_the_attorney_general_first(rulebook) -> None:  # type: ignore[no-untyped-def]
    """AS 45.48.010(c): disclosure is not required if, after an investigation and after written notification to the
    Attorney General, there is no reasonable likelihood of harm. With a recorded determination: no Alaska letter, and
    the AG notice is listed (the statute gives no number of days, so no due date)."""
    facts = make_facts(
        {"US-AK": 10},
        ["name", "ssn"],
        incident={
            "summary": "x",
            "discovery_date": "2026-03-02",
            "no_harm_determination_date": "2026-03-05",
        },
    )
    report = obligations_report(facts, rulebook, TODAY)
    assert "US-AK" not in lettered(report)
    (ag,) = find_obligations(report, "US-AK", "regulator")
    assert ag.due is None and "Attorney General" in ag.recipient
    plain = obligations_report(make_facts({"US-AK": 10}, ["name", "ssn"]), rulebook, TODAY)
    assert "US-AK" in lettered(plain) and not find_obligations(plain, "US-AK", "regulator")


def test_arizona_hipaa_entities_are_exempt(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Arizona AG FAQ: entities covered by HIPAA are exempt from A.R.S. § 18-552. A covered entity with 2,000 Arizona
    patients sends the HIPAA letter only: no Arizona letter, AG/Homeland Security or CRA notice. A business with the same
    facts: letters and AG + DHS within 45 days of determination (2026-03-02 + 45 = 2026-04-16)."""
    facts = make_facts(
        {"US-AZ": 2000}, ["name", "ssn", "medical"], entity_types=["hipaa_covered_entity"]
    )
    report = obligations_report(facts, rulebook, TODAY)
    assert lettered(report) == {"US-HIPAA"}
    assert not find_obligations(report, "US-AZ", "regulator") and not find_obligations(
        report, "US-AZ", "cra"
    )
    business = obligations_report(make_facts({"US-AZ": 2000}, ["name", "ssn"]), rulebook, TODAY)
    assert find_obligations(business, "US-AZ", "regulator")[0].due == date(2026, 4, 16)


def test_delaware_card_numbers_need_their_code_and_ssn_means_a_year_of_monitoring(rulebook) -> None:  # type: ignore[no-untyped-def]
    """6 Del. C. § 12B-101 (DWT): card or account numbers count only with any required security or access code;
    § 12B-102(e): SSN exposed -> one year of free credit monitoring."""
    without = obligations_report(
        make_facts({"US-DE": 5}, ["name", "payment_card"]), rulebook, TODAY
    )
    assert "US-DE" not in lettered(without)
    with_code = obligations_report(
        make_facts({"US-DE": 5}, ["name", "payment_card", "account_security_code"]), rulebook, TODAY
    )
    assert "US-DE" in lettered(with_code)
    de = rulebook.jurisdiction("US-DE")
    ssn = make_facts({"US-DE": 5}, ["name", "ssn"])
    assert {
        c.min_months
        for c in de.conditions
        if c.element == "credit_monitoring_offer" and condition_met(c, ssn)
    } == {12}


def test_minnesota_credit_bureaus_within_48_hours(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Minn. Stat. § 325E.61 subd. 2: notifying more than 500 persons at one time -> all nationwide CRAs within 48 hours.
    Counted in hours from discovery (the earliest reading of 'discovers circumstances requiring notification'):
    discovered 2026-03-02 with no time -> 00:00 UTC -> due 2026-03-04 00:00 UTC; at 2026-03-03 12:00 UTC, 12 hours left."""
    report = obligations_report(
        make_facts({"US-MN": 600}, ["name", "ssn"]), rulebook, datetime(2026, 3, 3, 12, tzinfo=UTC)
    )
    (cra,) = find_obligations(report, "US-MN", "cra")
    assert cra.due_at == datetime(2026, 3, 4, tzinfo=UTC) and cra.hours_left == 12
    assert not find_obligations(
        obligations_report(make_facts({"US-MN": 500}, ["name", "ssn"]), rulebook, TODAY),
        "US-MN",
        "cra",
    )


def test_pennsylvania_thresholds_after_act_33(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Act 33 of 2024: the Attorney General when MORE than 500 Pennsylvanians are notified; the CRAs at 500 OR MORE.
    Exactly 500: CRA notice, no AG notice; 501: both."""
    at_500 = obligations_report(make_facts({"US-PA": 500}, ["name", "ssn"]), rulebook, TODAY)
    assert find_obligations(at_500, "US-PA", "cra") and not find_obligations(
        at_500, "US-PA", "regulator"
    )
    at_501 = obligations_report(make_facts({"US-PA": 501}, ["name", "ssn"]), rulebook, TODAY)
    assert find_obligations(at_501, "US-PA", "cra") and find_obligations(
        at_501, "US-PA", "regulator"
    )


def test_utah_card_numbers_need_their_code(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Utah Code § 13-44-102(4)(a)(ii): a card number 'and any required security code, access code, or password'."""
    without = obligations_report(
        make_facts({"US-UT": 5}, ["name", "payment_card"]), rulebook, TODAY
    )
    assert "US-UT" not in lettered(without)
    assert "US-UT" in lettered(
        obligations_report(
            make_facts({"US-UT": 5}, ["name", "payment_card", "account_security_code"]),
            rulebook,
            TODAY,
        )
    )


def test_oklahoma_hipaa_entity_still_tells_the_attorney_general(rulebook) -> None:  # type: ignore[no-untyped-def]
    """SB 626 (2025): HIPAA-compliant entities need not send Oklahoma letters if they notify the Attorney General, which is
    due within 60 days after the consumer notice for 500 or more residents. The consumer notice is HIPAA's: latest
    2026-03-02 + 60 = 2026-05-01; + 60 days = 2026-06-30."""
    facts = make_facts(
        {"US-OK": 600}, ["name", "ssn", "medical"], entity_types=["hipaa_covered_entity"]
    )
    report = obligations_report(facts, rulebook, TODAY)
    assert lettered(report) == {"US-HIPAA"}
    (ag,) = find_obligations(report, "US-OK", "regulator")
    assert ag.due == date(2026, 6, 30) and "HIPAA" in ag.basis
