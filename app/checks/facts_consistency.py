"""Facts consistency: what the letter states agrees with the incident record.

Why: a CMO rewrites the draft freely, and a wrong enrolment deadline, phone number or
monitoring length harms recipients and is a legal problem. The security reviewer confirms the
facts; this check shows where the text and the record disagree.

* `[[missing: field]]` markers left in the text are errors (a fact nobody filled in);
  `[[recipient: field]]` markers are mail-merge fields and are fine.
* With facts: dates (with or without a year), counts of affected people, phone numbers,
  websites/e-mail domains, monitoring months and the enrol-by date stated in the text are
  compared with the record. Numbers of public agencies in the rulebook (FTC, credit bureaus,
  Attorneys General) are known and not flagged. A wrong monitoring length or enrol-by date is
  an error; an unknown date, count, number or site is a warning (it may be legitimate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from app.checks.base import Finding, Severity
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.text import Document

if TYPE_CHECKING:
    from app.rulebook.book import Rulebook

CHECK = "facts"
_MISSING = re.compile(r"\[\[\s*missing:\s*([^\]]*)\]\]")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MON})(?:\s+(?P<y2>\d{{4}}))?)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w-])(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b")
_SITE = re.compile(
    r"\b(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)*[a-z0-9-]+\.(?:com|org|net|gov|edu|io|app|co|uk|de|fr|ie|ca|au|example|us|info))\b(?:/[^\s)\]>,;]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@([\w-]+(?:\.[\w-]+)+)\b")
_COUNT = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(?:[a-z-]+\s+){0,2}?(?:individuals|people|persons|customers|patients|residents|members|employees|users|clients)\b",
    re.IGNORECASE,
)
_MONITORING_MONTHS = re.compile(r"\b(\d{1,3})[- ]months?\b", re.IGNORECASE)
_MONITORING = re.compile(
    r"\b(?:monitoring|identity (?:theft )?protection|identity restoration)\b", re.IGNORECASE
)
_ENROLL = re.compile(r"\benrol", re.IGNORECASE)


def _digits(phone: str) -> str:
    d = re.sub(r"\D", "", phone)
    return d[1:] if len(d) == 11 and d.startswith("1") else d


def _domain(url: str) -> str:
    host = re.sub(r"^https?://", "", str(url)).split("/")[0].lower()
    return host[4:] if host.startswith("www.") else host


def _parse(m: re.Match[str]) -> tuple[int, int, int | None] | None:
    mon = (m.group("m1") or m.group("m2") or "").lower()[:3]
    day = int(m.group("d1") or m.group("d2"))
    year = m.group("y1") or m.group("y2")
    month = next((i + 1 for i, name in enumerate(_MONTHS) if name.startswith(mon)), None)
    if month is None or not 1 <= day <= 31:
        return None
    return month, day, int(year) if year else None


def _same(parsed: tuple[int, int, int | None], d: date) -> bool:
    month, day, year = parsed
    return month == d.month and day == d.day and (year is None or year == d.year)


def _fmt(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _known_phones(rulebook: Rulebook) -> set[str]:
    known: set[str] = set()
    for agency in rulebook.agencies.values():
        if getattr(agency, "phone", None):
            known.add(_digits(agency.phone))
    for rule in rulebook.jurisdictions.values():
        if rule.agency and rule.agency.phone:
            known.add(_digits(rule.agency.phone))
    known.add("8774384338")  # FTC (annualcreditreport.com's number is in the agency directory)
    return known


def _known_domains(rulebook: Rulebook) -> set[str]:
    known = {"identitytheft.gov", "ftc.gov", "consumer.ftc.gov", "consumerfinance.gov", "irs.gov"}
    for agency in rulebook.agencies.values():
        if getattr(agency, "website", None):
            known.add(_domain(agency.website))
    for rule in rulebook.jurisdictions.values():
        if rule.agency and rule.agency.website:
            known.add(_domain(rule.agency.website))
    return known


_DIRECTORY: dict[str, tuple[frozenset[str], frozenset[str]]] = {}


def _directory(rulebook: Rulebook) -> tuple[frozenset[str], frozenset[str]]:
    """The agencies' phone numbers and domains, worked out once per rulebook (by its content
    hash; a few rulebooks at most per process)."""
    known = _DIRECTORY.get(rulebook.hash)
    if known is None:
        if len(_DIRECTORY) > 16:
            _DIRECTORY.clear()
        known = frozenset(_known_phones(rulebook)), frozenset(_known_domains(rulebook))
        _DIRECTORY[rulebook.hash] = known
    return known


def _facts_values(facts: Any) -> tuple[list[date], set[str], set[str], set[int]]:
    inc = facts.incident
    dates = [
        d
        for d in (
            inc.breach_start,
            inc.breach_end,
            inc.discovery_date,
            inc.containment_date,
            facts.notice_date,
        )
        if d
    ]
    cm = facts.services.credit_monitoring
    if cm and cm.enroll_by:
        dates.append(cm.enroll_by)
    c = facts.contacts
    phones = {
        _digits(p)
        for p in (c.toll_free.number if c.toll_free else None, c.phone, cm.phone if cm else None)
        if p
    }
    domains = {
        _domain(u)
        for u in (facts.organisation.website, c.website, cm.enrollment_url if cm else None)
        if u
    }
    for email in (c.email, c.dpo.email if c.dpo else None):
        if email:
            domains.add(email.split("@", 1)[1].lower())
    counts = set(facts.affected.values()) | {facts.total_affected}
    return dates, phones, domains, counts


def _finding(rule: str, severity: Severity, start: int, end: int, message: str) -> Finding:
    return Finding(
        rule=f"facts.{rule}",
        check=CHECK,
        severity=severity,
        start=start,
        end=end,
        message=message,
        source="incident facts",
    )


def matches_by_sentence(pattern: re.Pattern[str], doc: Document) -> Iterator[re.Match[str]]:
    """The matches of a pattern that never spans two sentences (a phone number, an e-mail
    address, a website: sentences part only at whitespace after `.!?`, line breaks and list
    markers, which these never hold), read only in the sentences holding one of its required
    literals (`@`, a digit, `.com`): the same matches as reading the whole text, in text order."""
    sentences = doc.sentences
    where = literal_index(doc.text).units_with(pattern.pattern, sentences, 1)
    for n in range(len(sentences)) if where is None else sorted(where):
        yield from pattern.finditer(doc.text, sentences[n].start, sentences[n].end)


def check_facts(ctx: CheckContext) -> list[Finding]:
    """Compare what the text states with the incident facts; flag unfilled markers."""
    text = ctx.text
    findings = [
        _finding(
            "missing_marker",
            Severity.error,
            m.start(),
            m.end(),
            f"Fill in the missing fact '{m.group(1).strip()}' (set it in the incident facts or write it here).",
        )
        for m in _MISSING.finditer(text)
    ]
    facts = ctx.facts
    if facts is None:
        return findings
    dates, phones, domains, counts = _facts_values(facts)
    cm = facts.services.credit_monitoring
    index, sentences = literal_index(text), ctx.doc.sentences
    # the sentences each regex may match in (a sentence holding none of its required literals
    # cannot match it: not scanned); None: any sentence
    enrol, dated, monitoring = (
        index.units_with(p.pattern, sentences, 1) for p in (_ENROLL, _DATE, _MONITORING)
    )
    may = lambda where, n: where is None or n in where  # noqa: E731
    # a regex none of whose required literals is in the letter is not run over it
    scan = lambda p: p.finditer(text) if index.may_occur(p.pattern) else ()  # noqa: E731
    for n, s in enumerate(sentences):
        enroll_sentence = may(enrol, n) and bool(_ENROLL.search(s.text))
        for m in _DATE.finditer(s.text) if may(dated, n) else ():
            parsed = _parse(m)
            if parsed is None:
                continue
            start, end = s.start + m.start(), s.start + m.end()
            if enroll_sentence and cm and cm.enroll_by:
                if not _same(parsed, cm.enroll_by):
                    findings.append(
                        _finding(
                            "enroll_by",
                            Severity.error,
                            start,
                            end,
                            f"The enrol-by date in the facts is {_fmt(cm.enroll_by)}; the text says '{m.group()}'.",
                        )
                    )
                continue
            if dates and not any(_same(parsed, d) for d in dates):
                findings.append(
                    _finding(
                        "date",
                        Severity.warning,
                        start,
                        end,
                        f"'{m.group()}' is not a date in the incident facts ({', '.join(_fmt(d) for d in dates)}); check it.",
                    )
                )
        if cm and may(monitoring, n) and _MONITORING.search(s.text):
            for m in _MONITORING_MONTHS.finditer(s.text):
                if int(m.group(1)) != cm.months:
                    findings.append(
                        _finding(
                            "monitoring_months",
                            Severity.error,
                            s.start + m.start(),
                            s.start + m.end(),
                            f"The facts offer {cm.months} months of monitoring; the text says '{m.group()}'.",
                        )
                    )
    agency_phones, agency_domains = _directory(ctx.rulebook)
    known_phones = phones | agency_phones
    for m in matches_by_sentence(_PHONE, ctx.doc):
        if _digits(m.group()) not in known_phones:
            findings.append(
                _finding(
                    "phone",
                    Severity.warning,
                    m.start(),
                    m.end(),
                    f"'{m.group()}' is not a phone number in the incident facts or the agency directory; check it.",
                )
            )
    known_domains = domains | agency_domains
    emails = list(matches_by_sentence(_EMAIL, ctx.doc))
    email_spans = [(m.start(), m.end()) for m in emails]
    for m in emails:
        if m.group(1).lower() not in known_domains:
            findings.append(
                _finding(
                    "email",
                    Severity.warning,
                    m.start(),
                    m.end(),
                    f"'{m.group()}' is not an address in the incident facts; check it.",
                )
            )
    for m in matches_by_sentence(_SITE, ctx.doc):
        if any(s <= m.start() < e for s, e in email_spans):
            continue
        dom = _domain(m.group())
        if dom not in known_domains and not any(
            dom.endswith("." + k) or k.endswith("." + dom) for k in known_domains
        ):
            findings.append(
                _finding(
                    "website",
                    Severity.warning,
                    m.start(),
                    m.end(),
                    f"'{m.group()}' is not a website in the incident facts or the agency directory; check it.",
                )
            )
    if counts and facts.affected:
        for m in scan(_COUNT):
            n = int(m.group(1).replace(",", ""))
            if n not in counts:
                findings.append(
                    _finding(
                        "count",
                        Severity.warning,
                        m.start(),
                        m.end(),
                        f"The facts give {facts.total_affected:,} affected people; the text says '{m.group()}'.",
                    )
                )
    return findings
