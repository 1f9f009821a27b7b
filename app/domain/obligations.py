"""Who must be told, by when: each applicable law's deadlines turned into dated obligations.

Clocks run from the discovery date (the facts carry no separate "determination" date, so the
earliest reading is used). Deadlines tied to the consumer notice use the letter's notice date when
the facts give one, else the latest date the letters may go out. "Without unreasonable delay"
has no number: its due date is null and the words are kept. `today` is injected for testing.

Hour clocks (GDPR's 72 hours) are counted in hours from the moment of discovery (`due_at`,
`hours_left`); when only the day is known the clock starts at 00:00 UTC that day, the earliest
moment the day allows. Day clocks are counted in days; business days skip weekends and the public
holidays of the jurisdiction whose law sets the clock (:mod:`app.domain.calendars`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, Field

from app.domain.calendars import add_business_days, holidays_between
from app.domain.facts import IncidentFacts
from app.domain.jurisdictions import Applicability, applicable_jurisdictions, uncovered_residences
from app.domain.regions import residence_name, residence_warnings
from app.domain.variants import Variant, plan_variants
from app.rulebook.legal_schema import Deadline, LegalRule

HIPAA = "US-HIPAA"
HOURS_SHOWN_BELOW = (
    72  # the dashboard and the CLI show hours, not days, when fewer than this remain
)


class Obligation(BaseModel):
    """One notice to send: to whom, by when, under which law."""

    jurisdiction: str
    obligation: str = Field(description="individuals, regulator, cra, media or covered_entity.")
    recipient: str
    due: date | None = Field(description="Last day; null when the law gives no number of days.")
    due_at: datetime | None = Field(
        None, description="Hour-based clocks only: the deadline moment, with UTC offset."
    )
    hours_left: int | None = Field(
        None,
        description="Hour-based clocks only: whole hours from now to `due_at` (negative: overdue).",
    )
    days_left: int | None = Field(description="Days from today to `due` (negative: overdue).")
    deadline: str = Field(description="The deadline in the law's words.")
    basis: str = Field("", description="How `due` was computed.")
    citation: str
    unverified: bool
    affected: int = Field(description="People this notice concerns.")


class ObligationsReport(BaseModel):
    """The answer to 'whom must we tell, what must each letter say, and by when?'."""

    today: date
    now: datetime = Field(
        description="The moment hours are counted from (CANDOR_TODAY, or the real time)."
    )
    discovery_date: date | None
    discovery_at: datetime | None = None
    jurisdictions: list[Applicability]
    obligations: list[Obligation]
    variants: list[Variant]
    no_letter: dict[str, int] = Field(
        default_factory=dict, description="Residences whose people need no letter under any law."
    )
    uncovered: list[str] = Field(
        default_factory=list, description="Residences no rule file covers: research them."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Facts that read two ways (a country code that is also a US state).",
    )
    rulebook: str = ""


@dataclass(frozen=True)
class _Clock:
    """What every due date of one incident is computed from."""

    facts: IncidentFacts
    rules: dict[str, LegalRule]
    now: datetime

    @property
    def discovery(self) -> date | None:
        return self.facts.incident.discovery_date

    def discovery_moment(self) -> tuple[datetime, str] | None:
        """The moment of discovery, and how it was read."""
        inc = self.facts.incident
        if inc.discovery_at:
            return inc.discovery_at, f"discovery {inc.discovery_at.isoformat()}"
        if inc.discovery_date:
            start = datetime.combine(inc.discovery_date, time(0), UTC)
            return (
                start,
                f"discovery {inc.discovery_date.isoformat()} (no time given: counted from 00:00 UTC)",
            )
        return None


def _business_days(base: date, d: Deadline, code: str) -> tuple[date, str]:
    calendar = d.calendar or code
    due = add_business_days(base, d.days or 0, calendar)
    skipped = holidays_between(calendar, base, due)
    note = f"{d.days} business days"
    if skipped:
        note += " skipping " + ", ".join(f"{name} {day.isoformat()}" for day, name in skipped)
    return due, note


def _after(base: date, d: Deadline, code: str) -> tuple[date | None, str]:
    """Last day of a day-counted deadline from `base`, with a note on business days skipped."""
    if d.days is None:
        return None, ""
    if d.business_days:
        return _business_days(base, d, code)
    return base + timedelta(days=d.days), ""


def _meets(d: Deadline, count: int) -> bool:
    if d.threshold is None:
        return True
    return {">": count > d.threshold, ">=": count >= d.threshold, "<": count < d.threshold}[
        d.threshold_op
    ]


def _with_note(how: str, note: str) -> str:
    return f"{how}; {note}" if note else how


def _individuals_due(rule: LegalRule, clock: _Clock) -> date | None:
    first = next((d for d in rule.deadlines if d.obligation == "individuals"), None)
    if (
        first is None
        or clock.discovery is None
        or first.start not in ("discovery", "determination")
    ):
        return None
    return _after(clock.discovery, first, rule.jurisdiction)[0]


def _hhs_due(clock: _Clock) -> tuple[date | None, str]:
    """When HHS hears of the breach: the facts' report date, else the latest day 45 CFR 164.408 allows."""
    given = clock.facts.incident.hhs_notice_date
    if given:
        return given, f"HHS notified {given.isoformat()}"
    hipaa = clock.rules.get(HIPAA)
    if hipaa is None:
        return None, ""
    total = clock.facts.total_affected
    for d in hipaa.deadlines:
        if d.obligation == "regulator" and _meets(d, total):
            due, _ = due_date(d, hipaa, clock)
            if due:
                return due, f"latest HHS report date {due.isoformat()}"
    return None, ""


def _consumer_notice(rule: LegalRule, clock: _Clock, deemed: bool) -> tuple[date | None, str]:
    """The consumer notice a regulator or CRA clock is tied to: the facts' notice date, else the latest allowed."""
    facts = clock.facts
    if facts.notice_date:
        return facts.notice_date, f"notice date {facts.notice_date.isoformat()}"
    source = clock.rules.get(HIPAA) if deemed else rule
    notice = _individuals_due(source, clock) if source else None
    if notice is None:
        return None, ""
    return notice, f"latest {'HIPAA ' if deemed else ''}consumer notice date {notice.isoformat()}"


def due_date(
    d: Deadline, rule: LegalRule, clock: _Clock, *, deemed: bool = False
) -> tuple[date | None, str]:
    """Compute the last day for one deadline and how it was computed ('' basis = no date can be given)."""
    code = rule.jurisdiction
    discovery = clock.discovery
    if d.start in ("discovery", "determination"):
        if discovery is None:
            return None, "discovery date unknown"
        due, note = _after(discovery, d, code)
        return due, _with_note(f"{d.start} {discovery.isoformat()}", note) if due else ""
    if d.start == "year_end":
        if discovery is None:
            return None, "discovery date unknown"
        due, note = _after(date(discovery.year, 12, 31), d, code)
        return due, _with_note(f"end of {discovery.year}", note)
    if d.start == "no_harm_determination":
        made = clock.facts.incident.no_harm_determination_date
        if made is None:
            return None, "no-harm determination date unknown"
        due, note = _after(made, d, code)
        return due, _with_note(f"no-harm determination {made.isoformat()}", note) if due else ""
    if d.start == "hhs_notice":
        base, how = _hhs_due(clock)
    else:
        base, how = _consumer_notice(rule, clock, deemed)
    if base is None:
        return None, ""
    if d.start in ("consumer_notice", "hhs_notice"):
        due, note = _after(base, d, code)
        return due, _with_note(how, note) if due else ""
    if d.start == "before_consumer_notice":
        return base - timedelta(days=1), f"the day before the {how}"
    return base, how  # with_consumer_notice


def _hour_clock(
    d: Deadline, rule: LegalRule, clock: _Clock, deemed: bool
) -> tuple[datetime | None, str]:
    """Deadline moment of an hour-counted clock: from the moment of discovery, or from 00:00 UTC of a dated start."""
    hours = d.hours or 0
    if d.start in ("discovery", "determination"):
        start = clock.discovery_moment()
        if start is None:
            return None, "discovery date unknown"
        moment, how = start
        return moment + timedelta(hours=hours), f"{hours} hours from {how}"
    base, how = due_date(
        d.model_copy(update={"hours": None, "days": 0}), rule, clock, deemed=deemed
    )
    if base is None:
        return None, how
    return datetime.combine(base, time(0), UTC) + timedelta(
        hours=hours
    ), f"{hours} hours from {how} (00:00 UTC)"


def _due(
    d: Deadline, rule: LegalRule, clock: _Clock, deemed: bool
) -> tuple[date | None, datetime | None, str]:
    if d.hours is not None:
        due_at, basis = _hour_clock(d, rule, clock, deemed)
        return (due_at.date() if due_at else None), due_at, basis
    due, basis = due_date(d, rule, clock, deemed=deemed)
    return due, None, basis


def _wanted(d: Deadline, a: Applicability, facts: IncidentFacts) -> bool:
    """Whether this deadline is owed in these circumstances (letters, no-harm finding, HIPAA clause, entity)."""
    if d.obligation == "individuals" and not a.letters:
        return False
    if d.when == "no_harm_determined" or a.no_harm:
        return d.when == "no_harm_determined" and a.no_harm
    if d.when == "hipaa_deemed" and not a.hipaa_deemed:
        return False
    if d.when == "not_hipaa_deemed" and a.hipaa_deemed:
        return False
    if d.only_entity_types and not set(d.only_entity_types) & set(facts.organisation.entity_types):
        return False
    return True


def _hours_left(due_at: datetime | None, now: datetime) -> int | None:
    if due_at is None:
        return None
    return math.floor((due_at - now).total_seconds() / 3600)


def _obligations_for(a: Applicability, rule: LegalRule, clock: _Clock) -> list[Obligation]:
    facts = clock.facts
    out = []
    for d in rule.deadlines:
        if not _wanted(d, a, facts):
            continue
        if d.threshold_scope == "per_residence":
            scopes = [(f" ({residence_name(r)})", n) for r, n in sorted(a.residences.items())]
        elif d.threshold_scope == "total":
            scopes = [("", facts.total_affected)]
        else:
            scopes = [("", a.count)]
        for suffix, count in scopes:
            if not _meets(d, count):
                continue
            due, due_at, basis = _due(d, rule, clock, a.hipaa_deemed)
            out.append(
                Obligation(
                    jurisdiction=rule.jurisdiction,
                    obligation=d.obligation,
                    recipient=d.recipient + suffix,
                    due=due,
                    due_at=due_at,
                    hours_left=_hours_left(due_at, clock.now),
                    days_left=(due - clock.now.date()).days if due else None,
                    deadline=d.text,
                    basis=basis,
                    citation=d.citation or rule.title,
                    unverified=d.unverified or rule.status == "unverified",
                    affected=count,
                )
            )
    return out


def _sort_key(o: Obligation) -> tuple:
    at = o.due_at.astimezone(UTC) if o.due_at else None
    return (
        o.due is None,
        o.due or date.max,
        at is None,
        at or datetime.max.replace(tzinfo=UTC),
        o.jurisdiction,
        o.obligation,
        o.recipient,
    )


def as_moment(today: date | datetime) -> datetime:
    """A moment to count hours from: a datetime as given (UTC if naive), a bare date at 00:00 UTC."""
    if isinstance(today, datetime):
        return today if today.tzinfo else today.replace(tzinfo=UTC)
    return datetime.combine(today, time(0), UTC)


def obligations_report(
    facts: IncidentFacts, rulebook: object, today: date | datetime
) -> ObligationsReport:
    """Applicability, dated obligations and letter variants for one incident (stateless; the incidents route calls it)."""
    now = as_moment(today)
    results = applicable_jurisdictions(facts, rulebook)
    rules = rulebook.jurisdictions  # type: ignore[attr-defined]
    clock = _Clock(facts=facts, rules=rules, now=now)
    obligations = [
        o for a in results if a.applies for o in _obligations_for(a, rules[a.jurisdiction], clock)
    ]
    obligations.sort(key=_sort_key)
    variants = plan_variants(facts, results, rulebook)
    lettered = {r for v in variants for r in v.residences}
    uncovered = uncovered_residences(facts, results)
    no_letter = {
        r: n
        for r, n in sorted(facts.affected.items())
        if n > 0 and r not in lettered and r not in uncovered
    }
    return ObligationsReport(
        today=now.date(),
        now=now,
        discovery_date=facts.incident.discovery_date,
        discovery_at=facts.incident.discovery_at,
        jurisdictions=results,
        obligations=obligations,
        variants=variants,
        no_letter=no_letter,
        uncovered=uncovered,
        warnings=residence_warnings(facts.affected),
        rulebook=getattr(rulebook, "hash", ""),
    )


def time_left(o: Obligation) -> str:
    """'5 hours left', '3 days left', 'OVERDUE by 2 days': hours when an hour clock has fewer than 72 left."""
    if o.hours_left is not None and o.hours_left < HOURS_SHOWN_BELOW:
        value, unit = o.hours_left, "hour"
    elif o.days_left is not None:
        value, unit = o.days_left, "day"
    else:
        return ""
    plural = "" if abs(value) == 1 else "s"
    return f"OVERDUE by {-value} {unit}{plural}" if value < 0 else f"{value} {unit}{plural} left"


def is_overdue(o: Obligation) -> bool:
    """Past its deadline: the moment for hour clocks, the day for day clocks."""
    if o.hours_left is not None:
        return o.hours_left < 0
    return o.days_left is not None and o.days_left < 0


def resolve_now(fixed: str | None, real: datetime | None = None) -> datetime:
    """'Now' for deadlines: the configured fixed date or date-time (tests, demos), or the real time.

    A bare date is 00:00 UTC that day; a date-time needs its UTC offset.
    """
    if not fixed:
        return real or datetime.now(UTC)
    text = fixed.strip()
    try:
        if "T" in text or " " in text:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise ValueError
            return moment
        return as_moment(date.fromisoformat(text))
    except ValueError:
        raise ValueError(
            f"today: {fixed!r} is not a date (YYYY-MM-DD) or a date-time with offset (2026-09-15T08:00:00+00:00)"
        ) from None


def resolve_today(fixed: str | None, real: date | None = None) -> date:
    """'Today' for deadlines: the configured fixed date (tests, demos) or the real date."""
    if not fixed:
        return real or date.today()
    return resolve_now(fixed).date()


def deadline_moment(due: date | None, due_at: datetime | None) -> datetime | None:
    """The moment a notice is late: an hour clock's `due_at`; a day clock's last day ends at 24:00 UTC."""
    if due_at is not None:
        return due_at if due_at.tzinfo else due_at.replace(tzinfo=UTC)
    if due is None:
        return None
    return datetime.combine(due + timedelta(days=1), time(0), UTC)


def clock_left(
    due: date | None, due_at: datetime | None, now: datetime
) -> tuple[int | None, int | None]:
    """(hours_left, days_left) to a stored deadline: hours to its moment (see `deadline_moment`), days to its day."""
    moment = deadline_moment(due, due_at)
    hours = _hours_left(moment, now)
    days = (due - now.date()).days if due else None
    return hours, days
