"""Who must be told, by when: each applicable law's deadlines turned into dated obligations.

Clocks run from the discovery date (the facts carry no separate "determination" date, so the
earliest reading is used). Deadlines tied to the consumer notice use the letter's notice date when
the facts give one, else the latest date the letters may go out. "Without unreasonable delay"
has no number: its due date is null and the words are kept. `today` is injected for testing.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field

from app.domain.facts import IncidentFacts
from app.domain.jurisdictions import Applicability, applicable_jurisdictions, uncovered_residences
from app.domain.regions import residence_name
from app.domain.variants import Variant, plan_variants
from app.rulebook.legal_schema import Deadline, LegalRule


class Obligation(BaseModel):
    """One notice to send: to whom, by when, under which law."""

    jurisdiction: str
    obligation: str = Field(description="individuals, regulator, cra or media.")
    recipient: str
    due: date | None = Field(description="Last day; null when the law gives no number of days.")
    days_left: int | None = Field(description="Days from today to `due` (negative: overdue).")
    deadline: str = Field(description="The deadline in the law's words.")
    basis: str = Field("", description="How `due` was computed.")
    citation: str
    unverified: bool
    affected: int = Field(description="People this notice concerns.")


class ObligationsReport(BaseModel):
    """The answer to 'whom must we tell, what must each letter say, and by when?'."""

    today: date
    discovery_date: date | None
    jurisdictions: list[Applicability]
    obligations: list[Obligation]
    variants: list[Variant]
    no_letter: dict[str, int] = Field(default_factory=dict, description="Residences whose people need no letter under any law.")
    uncovered: list[str] = Field(default_factory=list, description="Residences no rule file covers: research them.")
    rulebook: str = ""


def add_business_days(start: date, days: int) -> date:
    """`start` plus `days` working days (Saturdays and Sundays skipped; public holidays are not known)."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _after(base: date, d: Deadline) -> date | None:
    if d.hours is not None:
        return base + timedelta(days=-(-d.hours // 24))
    if d.days is None:
        return None
    return add_business_days(base, d.days) if d.business_days else base + timedelta(days=d.days)


def _meets(d: Deadline, count: int) -> bool:
    if d.threshold is None:
        return True
    return {">": count > d.threshold, ">=": count >= d.threshold, "<": count < d.threshold}[d.threshold_op]


def _individuals_due(rule: LegalRule, discovery: date | None) -> date | None:
    first = next((d for d in rule.deadlines if d.obligation == "individuals"), None)
    if first is None or discovery is None or first.start not in ("discovery", "determination"):
        return None
    return _after(discovery, first)


def due_date(d: Deadline, rule: LegalRule, facts: IncidentFacts) -> tuple[date | None, str]:
    """Compute the last day for one deadline and how it was computed ('' basis = no date can be given)."""
    discovery = facts.incident.discovery_date
    if d.start in ("discovery", "determination"):
        if discovery is None:
            return None, "discovery date unknown"
        due = _after(discovery, d)
        return due, f"{d.start} {discovery.isoformat()}" if due else ""
    if d.start == "year_end":
        if discovery is None:
            return None, "discovery date unknown"
        return _after(date(discovery.year, 12, 31), d), f"end of {discovery.year}"
    # Tied to the consumer notice.
    if facts.notice_date:
        notice, how = facts.notice_date, f"notice date {facts.notice_date.isoformat()}"
    else:
        notice = _individuals_due(rule, discovery)
        how = f"latest consumer notice date {notice.isoformat()}" if notice else ""
    if notice is None:
        return None, ""
    if d.start == "consumer_notice":
        due = _after(notice, d)
        return due, how if due else ""
    if d.start == "before_consumer_notice":
        return notice - timedelta(days=1), f"the day before the {how}"
    return notice, how  # with_consumer_notice


def _obligations_for(a: Applicability, rule: LegalRule, facts: IncidentFacts, today: date) -> list[Obligation]:
    out = []
    for d in rule.deadlines:
        if d.obligation == "individuals" and not a.letters:
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
            due, basis = due_date(d, rule, facts)
            out.append(Obligation(
                jurisdiction=rule.jurisdiction, obligation=d.obligation, recipient=d.recipient + suffix, due=due,
                days_left=(due - today).days if due else None, deadline=d.text, basis=basis,
                citation=d.citation or rule.title, unverified=d.unverified or rule.status == "unverified", affected=count,
            ))
    return out


def _sort_key(o: Obligation) -> tuple:
    return (o.due is None, o.due or date.max, o.jurisdiction, o.obligation, o.recipient)


def obligations_report(facts: IncidentFacts, rulebook: object, today: date) -> ObligationsReport:
    """Applicability, dated obligations and letter variants for one incident (stateless; the incidents route calls it)."""
    results = applicable_jurisdictions(facts, rulebook)
    rules = rulebook.jurisdictions  # type: ignore[attr-defined]
    obligations = [o for a in results if a.applies for o in _obligations_for(a, rules[a.jurisdiction], facts, today)]
    obligations.sort(key=_sort_key)
    variants = plan_variants(facts, results, rulebook)
    lettered = {r for v in variants for r in v.residences}
    uncovered = uncovered_residences(facts, results)
    no_letter = {r: n for r, n in sorted(facts.affected.items()) if n > 0 and r not in lettered and r not in uncovered}
    return ObligationsReport(
        today=today, discovery_date=facts.incident.discovery_date, jurisdictions=results, obligations=obligations,
        variants=variants, no_letter=no_letter, uncovered=uncovered, rulebook=getattr(rulebook, "hash", ""),
    )


def resolve_today(fixed: str | None, real: date | None = None) -> date:
    """'Today' for deadlines: the configured fixed date (tests, demos) or the real date."""
    if not fixed:
        return real or date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise ValueError(f"today: {fixed!r} is not a date (use YYYY-MM-DD)") from None
