"""Issue #11 findings 1-7, one hand-worked scenario each (the working is in each test's docstring).

Sources: 45 CFR 164.404-164.410; RCW 19.255.005/.010/.030; ORS 646A.604; N.Y. GBL § 899-aa(2)(b), (9);
10 L.P.R.A. § 4051; Fla. Stat. § 501.171(4)(c); M.G.L. c. 93H § 3A(a); Cal. Civ. Code § 1798.82(d)(2)(G),
(h); GDPR Art. 33(1); holiday tables of the `holidays` package (state legal holidays).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from support.jurisdiction_scenarios import TODAY, find_obligations, lettered, make_facts

from app.commands.obligations import render_text
from app.domain.calendars import add_business_days
from app.domain.jurisdictions import required_elements
from app.domain.obligations import obligations_report, resolve_now, time_left
from app.domain.regions import resolve_residences


def _ba(affected, data, *, delegated: bool = False):  # type: ignore[no-untyped-def]
    return make_facts(
        affected,
        data,
        organisation={
            "name": "Claims Processing LLC",
            "entity_types": ["hipaa_business_associate"],
            "ba_notifies_individuals": delegated,
        },
    )


# ---- 1. HIPAA business associates -----------------------------------------------------------------------


def test_business_associate_tells_the_covered_entity_not_patients(rulebook) -> None:  # type: ignore[no-untyped-def]
    """45 CFR 164.410(b): a business associate notifies the covered entity without unreasonable delay and no later than
    60 calendar days after discovery. Discovery 2026-03-02 + 60 days = 2026-05-01. The letters (164.404), HHS (164.408)
    and media (164.406) are the covered entity's, so none is listed; TX residents: Texas law makes a business that
    maintains data for its owner tell the owner, so no Texas letter either."""
    report = obligations_report(_ba({"US-TX": 700}, ["name", "medical"]), rulebook, TODAY)
    (ce,) = find_obligations(report, "US-HIPAA-BA", "covered_entity")
    assert ce.due == date(2026, 5, 1) and "identity of each individual" in ce.deadline
    assert lettered(report) == set()
    assert not find_obligations(report, "US-HIPAA", "individuals") and not find_obligations(
        report, "US-HIPAA", "regulator"
    )
    assert not find_obligations(report, "US-HIPAA", "media") and not find_obligations(
        report, "US-TX", "regulator"
    )
    assert report.variants == []


def test_business_associate_with_delegated_letters(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Same facts, but the business associate agreement delegates the patient letters: the HIPAA letters go out (60 days,
    2026-05-01) and the covered entity is still told (164.410); HHS and media stay with the covered entity."""
    report = obligations_report(
        _ba({"US-TX": 700}, ["name", "medical"], delegated=True), rulebook, TODAY
    )
    assert "US-HIPAA" in lettered(report)
    assert find_obligations(report, "US-HIPAA", "individuals")[0].due == date(2026, 5, 1)
    assert find_obligations(report, "US-HIPAA-BA", "covered_entity")[0].due == date(2026, 5, 1)
    assert not find_obligations(report, "US-HIPAA", "regulator") and not find_obligations(
        report, "US-HIPAA", "media"
    )


# ---- 2. HIPAA entities under state law --------------------------------------------------------------------


def _ce(affected, data=("name", "ssn", "medical"), **extra):  # type: ignore[no-untyped-def]
    return make_facts(affected, list(data), entity_types=["hipaa_covered_entity"], **extra)


def test_washington_hipaa_entity_no_state_letter_ag_on_hipaa_timing(rulebook) -> None:  # type: ignore[no-untyped-def]
    """RCW 19.255.030: a HIPAA covered entity complying with HITECH § 13402 is deemed compliant, but must notify the
    Attorney General when more than 500 Washington residents are affected, on HITECH's timing. 600 residents,
    discovery 2026-03-02: HIPAA letter by 2026-05-01; WA AG by 2026-05-01 (60 days), not the state's 30 days
    (2026-04-01); no Washington letter."""
    report = obligations_report(_ce({"US-WA": 600}), rulebook, TODAY)
    assert lettered(report) == {"US-HIPAA"}
    (ag,) = find_obligations(report, "US-WA", "regulator")
    assert ag.due == date(2026, 5, 1) and ag.citation == "RCW 19.255.030"
    assert not find_obligations(report, "US-WA", "individuals")


def test_washington_small_hipaa_breach_needs_no_ag(rulebook) -> None:  # type: ignore[no-untyped-def]
    """500 residents is not 'more than 500': no AG notice at all."""
    report = obligations_report(_ce({"US-WA": 500}), rulebook, TODAY)
    assert not find_obligations(report, "US-WA", "regulator")


def test_oregon_hipaa_entity_copy_to_ag(rulebook) -> None:  # type: ignore[no-untyped-def]
    """ORS 646A.604: deemed compliant, but a copy of the notice goes to the Oregon AG; with no notice date it is due with
    the latest HIPAA letter date 2026-05-01 (not Oregon's 45 days, 2026-04-16, and even for 10 people, below the 250
    threshold of the ordinary AG notice)."""
    report = obligations_report(_ce({"US-OR": 10}), rulebook, TODAY)
    assert lettered(report) == {"US-HIPAA"}
    (copy,) = find_obligations(report, "US-OR", "regulator")
    assert "copy" in copy.recipient.lower() and copy.due == date(2026, 5, 1)


def test_new_york_hhs_report_to_ag_within_5_business_days(rulebook) -> None:  # type: ignore[no-untyped-def]
    """GBL § 899-aa(9): the HHS report goes to the NY AG within five business days of notifying HHS. HHS told Tuesday
    2026-02-10: Wed 02-11 = 1; Thu 02-12 Lincoln's Birthday (NY holiday) skipped; Fri 02-13 = 2; Mon 02-16 Washington's
    Birthday skipped; Tue 02-17 = 3, Wed 02-18 = 4, Thu 02-19 = 5 -> 2026-02-19. § 899-aa(2)(b): no second letter to
    the residents, but the AG/DOS/State Police notice stays, due with the HIPAA letter (discovery 2026-01-05 + 60 =
    2026-03-06)."""
    facts = _ce(
        {"US-NY": 100},
        incident={"summary": "x", "discovery_date": "2026-01-05", "hhs_notice_date": "2026-02-10"},
    )
    report = obligations_report(facts, rulebook, TODAY)
    assert lettered(report) == {"US-HIPAA"}
    (hhs,) = find_obligations(report, "US-NY", "regulator", "HHS breach report")
    assert hhs.due == date(2026, 2, 19) and "Lincoln" in hhs.basis
    (ag,) = find_obligations(report, "US-NY", "regulator", "Department of State")
    assert ag.due == date(2026, 3, 6)


def test_new_york_hhs_clock_without_a_report_date(rulebook) -> None:  # type: ignore[no-untyped-def]
    """No HHS report date: 100 people is under 500, so HHS hears by the annual log, 60 days after 2026-12-31 =
    2027-03-01 (Mon); + 5 NY business days: 03-02, 03-03, 03-04, 03-05, 03-08 -> 2027-03-08."""
    report = obligations_report(_ce({"US-NY": 100}), rulebook, TODAY)
    (hhs,) = find_obligations(report, "US-NY", "regulator", "HHS breach report")
    assert hhs.due == date(2027, 3, 8)


def test_state_letter_stays_for_ordinary_business(rulebook) -> None:  # type: ignore[no-untyped-def]
    """The HIPAA clause is for HIPAA entities only: a business gets the Washington letter on 30 days (2026-04-01)."""
    report = obligations_report(make_facts({"US-WA": 600}, ["name", "ssn"]), rulebook, TODAY)
    assert find_obligations(report, "US-WA", "individuals")[0].due == date(2026, 4, 1)
    assert find_obligations(report, "US-WA", "regulator")[0].due == date(2026, 4, 1)


# ---- 3. Puerto Rico ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("id_type", ["passport", "military_id", "state_id"])
def test_puerto_rico_official_ids_are_personal_information(rulebook, id_type) -> None:  # type: ignore[no-untyped-def]
    """10 L.P.R.A. § 4051: name + 'driver's license number, voter's identification or other official identification'
    is a personal information file: a passport, military or state ID with a name requires notice; DACO within 10 days of
    detection (2026-03-12)."""
    report = obligations_report(make_facts({"US-PR": 5}, ["name", id_type]), rulebook, TODAY)
    assert "US-PR" in lettered(report)
    assert find_obligations(report, "US-PR", "regulator", "DACO")[0].due == date(2026, 3, 12)


# ---- 4. WA, FL, MA, CA, card numbers ------------------------------------------------------------------------


def test_washington_letter_content(rulebook) -> None:  # type: ignore[no-untyped-def]
    """RCW 19.255.010: the notice includes the credit bureaus' toll-free numbers and addresses whenever personal
    information was exposed (not only SSN / licence), and a credentials breach tells people to change the password and
    security question or answer for every account using them."""
    wa = rulebook.jurisdiction("US-WA")
    dob = required_elements(wa, make_facts({"US-WA": 5}, ["name", "date_of_birth"]))
    assert "cra_contacts" in dob and "password_change_advice" not in dob
    creds = required_elements(wa, make_facts({"US-WA": 5}, ["email", "username_password"]))
    assert {"cra_contacts", "password_change_advice"} <= creds


def test_florida_no_harm_determination_goes_to_legal_affairs(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Fla. Stat. § 501.171(4)(c): no letters after a written determination that the breach will not likely result in
    identity theft or financial harm, but the determination goes to the Department of Legal Affairs within 30 days:
    determined 2026-03-20 -> 2026-04-19. The ordinary AG notice (600 >= 500) and letters fall away."""
    facts = make_facts(
        {"US-FL": 600},
        ["name", "ssn"],
        incident={
            "summary": "x",
            "discovery_date": "2026-03-02",
            "no_harm_determination_date": "2026-03-20",
        },
    )
    report = obligations_report(facts, rulebook, TODAY)
    assert "US-FL" not in lettered(report)
    (det,) = find_obligations(report, "US-FL", "regulator")
    assert "determination" in det.recipient and det.due == date(2026, 4, 19)
    assert not find_obligations(report, "US-FL", "cra")


def test_florida_without_determination_is_unchanged(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Without a determination: letters and the AG within 30 days of discovery (2026-04-01), no determination duty."""
    report = obligations_report(make_facts({"US-FL": 600}, ["name", "ssn"]), rulebook, TODAY)
    assert [o.recipient for o in find_obligations(report, "US-FL", "regulator")] == [
        "Florida Department of Legal Affairs (Attorney General)"
    ]


def _months(rule, facts) -> set[int]:  # type: ignore[no-untyped-def]
    from app.domain.jurisdictions import condition_met

    return {
        c.min_months
        for c in rule.conditions
        if c.element == "credit_monitoring_offer" and condition_met(c, facts)
    }


def test_massachusetts_consumer_reporting_agency_owes_42_months(rulebook) -> None:  # type: ignore[no-untyped-def]
    """M.G.L. c. 93H § 3A(a): SSN breach -> at least 18 months of free monitoring; a consumer reporting agency -> 42."""
    ma = rulebook.jurisdiction("US-MA")
    assert _months(ma, make_facts({"US-MA": 5}, ["name", "ssn"])) == {18}
    assert _months(
        ma, make_facts({"US-MA": 5}, ["name", "ssn"], entity_types=["consumer_reporting_agency"])
    ) == {42}


def test_massachusetts_42_months_is_checked_in_the_letter(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    """The legal check holds a consumer reporting agency's letter offering 24 months to the 42-month minimum; the same
    letter from an ordinary business meets the 18-month minimum."""
    from app.checks.engine import run_checks

    text = (
        "Notice of Data Breach\n\nWe are offering you 24 months of free credit monitoring through Experian "
        "IdentityWorks. Enroll at https://example.com/enroll.\n"
    )

    def failed(entity: str) -> list[str]:
        facts = make_facts(
            {"US-MA": 5}, ["name", "ssn"], entity_types=[entity], monitoring_months=24
        )
        report = run_checks(
            text,
            rulebook=rulebook,
            settings=settings,
            facts=facts,
            jurisdictions=["US-MA"],
            grammar=False,
        )
        return [f.message for f in report.findings if f.rule.endswith("credit_monitoring_offer")]

    assert any("at least 42 months" in m for m in failed("consumer_reporting_agency"))
    assert failed("business") == []


def test_california_monitoring_only_when_source_of_breach(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Cal. Civ. Code § 1798.82(d)(2)(G): the 12-month identity-theft-services offer is owed 'if the person or business
    providing the notification was the source of the breach'; a notifier that was not (its vendor was) owes none."""
    ca = rulebook.jurisdiction("US-CA")
    source = make_facts({"US-CA": 5}, ["name", "ssn"])
    vendor = make_facts(
        {"US-CA": 5}, ["name", "ssn"], organisation={"name": "Acme", "source_of_breach": False}
    )
    assert _months(ca, source) == {12}
    assert _months(ca, vendor) == set()


@pytest.mark.parametrize(
    ("code", "needs_code"), [("US-WA", True), ("US-CA", True), ("US-FL", True), ("US-PR", False)]
)
def test_card_numbers_per_statute(rulebook, code, needs_code) -> None:  # type: ignore[no-untyped-def]
    """WA RCW 19.255.005(2)(a)(i)(C), CA 1798.82(h)(1)(C), FL 501.171(1)(g)1.a.(III): a card number counts only 'in
    combination with any required security code, access code, or password'; PR § 4051(c): 'bank or financial account
    numbers of any type with or without passwords or access code'."""
    without = obligations_report(make_facts({code: 5}, ["name", "payment_card"]), rulebook, TODAY)
    with_code = obligations_report(
        make_facts({code: 5}, ["name", "payment_card", "account_security_code"]), rulebook, TODAY
    )
    assert (code in lettered(without)) is (not needs_code)
    assert code in lettered(with_code)
    if needs_code:
        reason = next(a for a in without.jurisdictions if a.jurisdiction == code).reasons
        assert any("security code" in r for r in reason)


# ---- 5. Clocks -----------------------------------------------------------------------------------------------


def test_gdpr_72_hours_counted_in_hours(rulebook) -> None:  # type: ignore[no-untyped-def]
    """GDPR Art. 33(1): 72 hours from awareness. Aware 2026-09-15 00:30 UTC -> due 2026-09-18 00:30 UTC. At 2026-09-17
    22:30 UTC two hours remain: days_left says 1 (calendar days to 09-18) but hours_left says 2, and the text shows
    hours because fewer than 72 remain."""
    facts = make_facts(
        {"DE": 10},
        ["name", "email"],
        incident={"summary": "x", "discovery_date": "2026-09-15T00:30:00+00:00"},
    )
    now = datetime(2026, 9, 17, 22, 30, tzinfo=UTC)
    report = obligations_report(facts, rulebook, now)
    (sa,) = find_obligations(report, "EU-GDPR", "regulator")
    assert sa.due_at == datetime(2026, 9, 18, 0, 30, tzinfo=UTC)
    assert sa.hours_left == 2 and sa.days_left == 1 and sa.due == date(2026, 9, 18)
    assert time_left(sa) == "2 hours left"
    assert "2 hours left" in render_text(report)
    assert report.discovery_at == datetime(2026, 9, 15, 0, 30, tzinfo=UTC)


def test_gdpr_hours_keep_the_offset(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Aware 2026-09-15 23:30 at UTC-5 (04:30 UTC on the 16th): the discovery day is the 15th in that offset; due
    2026-09-18 23:30 -05:00; at 2026-09-19 01:30 UTC it is one hour overdue."""
    facts = make_facts(
        {"FR": 3},
        ["name"],
        incident={"summary": "x", "discovery_date": "2026-09-15T23:30:00-05:00"},
    )
    report = obligations_report(facts, rulebook, datetime(2026, 9, 19, 5, 30, tzinfo=UTC))
    (sa,) = find_obligations(report, "EU-GDPR", "regulator")
    assert facts.incident.discovery_date == date(2026, 9, 15)
    assert sa.due_at == datetime(2026, 9, 18, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert sa.hours_left == -1 and time_left(sa) == "OVERDUE by 1 hour"


def test_gdpr_date_only_counts_from_midnight_utc(rulebook) -> None:  # type: ignore[no-untyped-def]
    """A date alone stays valid: the clock starts at 00:00 UTC that day (the earliest reading): 2026-03-02 -> due
    2026-03-05 00:00 UTC; 'today' 2026-03-04 (00:00 UTC) -> 24 hours left."""
    report = obligations_report(make_facts({"DE": 1}, ["name"]), rulebook, date(2026, 3, 4))
    (sa,) = find_obligations(report, "EU-GDPR", "regulator")
    assert sa.due_at == datetime(2026, 3, 5, tzinfo=UTC) and sa.hours_left == 24


def test_day_clocks_have_no_hours(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = obligations_report(make_facts({"US-CA": 5}, ["name", "ssn"]), rulebook, TODAY)
    (ca,) = find_obligations(report, "US-CA", "individuals")
    assert ca.due_at is None and ca.hours_left is None and time_left(ca) == "22 days left"


def test_brazil_business_days_skip_tiradentes(rulebook) -> None:  # type: ignore[no-untyped-def]
    """LGPD / ANPD Res. 15/2024: 3 business days. Discovered Fri 2026-04-17: Mon 04-20 = 1, Tue 04-21 Tiradentes (Brazil
    national holiday) skipped, Wed 04-22 = 2, Thu 04-23 = 3 -> 2026-04-23."""
    facts = make_facts({"BR": 3}, ["name", "email"], discovery=date(2026, 4, 17))
    report = obligations_report(facts, rulebook, date(2026, 4, 17))
    assert find_obligations(report, "BR-LGPD", "regulator", "ANPD")[0].due == date(2026, 4, 23)


def test_business_days_use_the_clock_setters_holidays() -> None:
    """Thu 2026-02-12 is Lincoln's Birthday in New York, not in Texas: 1 business day from Wed 02-11 is Fri 02-13 in NY
    and Thu 02-12 in TX; weekends only without a calendar."""
    assert add_business_days(date(2026, 2, 11), 1, "US-NY") == date(2026, 2, 13)
    assert add_business_days(date(2026, 2, 11), 1, "US-TX") == date(2026, 2, 12)
    assert add_business_days(date(2026, 2, 11), 1) == date(2026, 2, 12)


def test_candor_today_accepts_a_datetime() -> None:
    assert resolve_now("2026-09-17T22:30:00+00:00") == datetime(2026, 9, 17, 22, 30, tzinfo=UTC)
    assert resolve_now("2026-09-17") == datetime(2026, 9, 17, tzinfo=UTC)
    with pytest.raises(ValueError, match="offset"):
        resolve_now("2026-09-17T22:30:00")


def test_discovery_datetime_without_offset_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as err:
        make_facts({"DE": 1}, ["name"], incident={"discovery_date": "2026-09-15T00:30:00"})
    assert err.value.errors()[0]["loc"] == ("incident", "discovery_date")
    assert "offset" in str(err.value)


# ---- 7. Residence codes that read two ways -----------------------------------------------------------------------


def test_ambiguous_residence_code_warns_with_both_readings(rulebook) -> None:  # type: ignore[no-untyped-def]
    """'CA' is Canada's ISO code and California's postal code: Candor reads Canada (PIPEDA) and says so, naming the
    other reading and how to write it; 'US-CA' and 'FR' read one way only."""
    report = obligations_report(
        make_facts({"CA": 700, "US-CA": 5, "FR": 1}, ["name", "ssn"]), rulebook, TODAY
    )
    assert len(report.warnings) == 1
    assert (
        "Canada" in report.warnings[0]
        and "California" in report.warnings[0]
        and "'US-CA'" in report.warnings[0]
    )
    assert "WARNING:" in render_text(report)


def test_resolved_names_for_the_form_preview() -> None:
    rows = {r["code"]: r for r in resolve_residences({"CA": 700, "DE": 3, "US-TX": 2, "TX": 1})}
    assert (
        rows["CA"]["name"] == "Canada"
        and rows["CA"]["also"] == "California"
        and rows["CA"]["also_code"] == "US-CA"
    )
    assert rows["DE"]["also"] == "Delaware"
    assert rows["US-TX"]["name"] == "Texas" and rows["US-TX"]["also"] is None
    assert rows["TX"]["known"] is False and rows["TX"]["suggestion"] == "US-TX"
