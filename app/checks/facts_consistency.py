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
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from app.checks.base import Finding, Severity
from app.checks.caching import text_cache
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
_DATE = (
    rf"\b(?:(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MON})(?:\s+(?P<y2>\d{{4}}))?)\b"
)
_PHONE = r"(?<![\w-])(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b"
_SITE = r"\b(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)*[a-z0-9-]+\.(?:com|org|net|gov|edu|io|app|co|uk|de|fr|ie|ca|au|example|us|info))\b(?:/(?:[^\s)\]>,;]*[^\s)\]>,;.:!?'\x22])?)?"  # a path never ends in a full stop
_EMAIL = r"\b[\w.+-]+@([\w-]+(?:\.[\w-]+)+)\b"
_COUNT = r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(?:[a-z-]+\s+){0,2}?(?:individuals|people|persons|customers|patients|residents|members|employees|users|clients)\b"
_MONITORING_MONTHS = r"\b(\d{1,3})[- ]months?\b"
_MONITORING = r"\b(?:monitoring|identity (?:theft )?protection|identity restoration)\b"
_ENROLL = r"\benrol"


class Regexes(NamedTuple):
    """The facts comparison's regexes, compiled on first use (`regexes()`): checking a letter
    without facts (`candor check letter.md`) needs only `_MISSING`, and compiling these costs
    more than that whole check."""

    date: re.Pattern[str]
    phone: re.Pattern[str]
    site: re.Pattern[str]
    email: re.Pattern[str]
    count: re.Pattern[str]
    monitoring_months: re.Pattern[str]
    monitoring: re.Pattern[str]
    enroll: re.Pattern[str]


@cache
def regexes() -> Regexes:
    """The compiled regexes (once per process)."""
    i = re.IGNORECASE
    return Regexes(
        re.compile(_DATE, i),
        re.compile(_PHONE),
        re.compile(_SITE, i),
        re.compile(_EMAIL),
        re.compile(_COUNT, i),
        re.compile(_MONITORING_MONTHS, i),
        re.compile(_MONITORING, i),
        re.compile(_ENROLL, i),
    )


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
    return {_digits(a.phone) for a in rulebook.all_agencies() if getattr(a, "phone", None)}


def _known_domains(rulebook: Rulebook) -> set[str]:
    return {_domain(site) for site in rulebook.agency_sites()}


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


Span = tuple[int, int, str]
"""A match in a sentence: start, end (offsets into the sentence), the matched text."""


class Stated(NamedTuple):
    """What one sentence states that the facts are compared with (offsets into the sentence)."""

    enroll: bool = False
    dates: tuple[tuple[int, int, str, tuple[int, int, int | None]], ...] = ()
    months: tuple[tuple[int, int, str, int], ...] = ()  # (only in a sentence about monitoring)
    phones: tuple[Span, ...] = ()
    emails: tuple[tuple[int, int, str, str], ...] = ()  # ... and the address's domain
    sites: tuple[Span, ...] = ()


_NOTHING = Stated()
_READS = ("enroll", "date", "monitoring", "phone", "email", "site")
"""The sentence readings, in the order of their bits in `_stated`'s `reads`."""


@text_cache(maxsize=20_000)
def _stated(before: str, sentence: str, reads: int) -> Stated:
    """What `sentence` states, reading only what bit i of `reads` asks for (`_READS[i]`; the
    others cannot match there: their required literals are absent, so leaving them out changes
    nothing). Cached per sentence text and the character before it (the phone, e-mail and website
    patterns look one character back): re-checking an edited letter reads only its changed
    sentences."""
    r = regexes()
    lo = len(before)
    text = before + sentence  # (phones, e-mails and sites are read as in the letter)
    dates = (
        tuple(
            (m.start(), m.end(), m.group(), parsed)
            for m in r.date.finditer(sentence)
            if (parsed := _parse(m)) is not None
        )
        if reads & 2
        else ()
    )
    monitoring = bool(reads & 4) and r.monitoring.search(sentence) is not None
    months = (
        tuple(
            (m.start(), m.end(), m.group(), int(m.group(1)))
            for m in r.monitoring_months.finditer(sentence)
        )
        if monitoring
        else ()
    )
    found = [
        tuple(m for m in p.finditer(text, lo)) if reads & bit else ()
        for p, bit in ((r.phone, 8), (r.email, 16), (r.site, 32))
    ]
    return Stated(
        enroll=bool(reads & 1) and r.enroll.search(sentence) is not None,
        dates=dates,
        months=months,
        phones=tuple((m.start() - lo, m.end() - lo, m.group()) for m in found[0]),
        emails=tuple((m.start() - lo, m.end() - lo, m.group(), m.group(1)) for m in found[1]),
        sites=tuple((m.start() - lo, m.end() - lo, m.group()) for m in found[2]),
    )


def statements(doc: Document) -> list[tuple[int, Stated]]:
    """Each sentence's start and what it states. Phone numbers, e-mail addresses and websites
    never span two sentences (sentences part only at whitespace after `.!?`, line breaks and
    list markers, which these never hold), so reading them sentence by sentence finds what
    reading the whole text finds (tests/checks/test_facts_spans.py). A sentence is read only
    for the patterns whose required literals it holds (the letter's literal index says which)."""
    r = regexes()
    index = literal_index(doc.text)
    sentences, text = doc.sentences, doc.text
    where = [
        index.units_with(p.pattern, sentences, 1)  # None: any sentence
        for p in (r.enroll, r.date, r.monitoring, r.phone, r.email, r.site)
    ]
    reads = [0] * len(sentences)  # per sentence, the bits of the patterns read there
    for k, w in enumerate(where):
        for i in range(len(sentences)) if w is None else w:
            reads[i] |= 1 << k
    return [
        (s.start, _stated(text[s.start - 1] if s.start else "", s.text, r) if r else _NOTHING)
        for s, r in zip(sentences, reads, strict=True)
    ]


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
    statements_ = statements(ctx.doc)
    for at, stated in statements_:
        for start, end, matched, parsed in stated.dates:
            start, end = at + start, at + end
            if stated.enroll and cm and cm.enroll_by:
                if not _same(parsed, cm.enroll_by):
                    findings.append(
                        _finding(
                            "enroll_by",
                            Severity.error,
                            start,
                            end,
                            f"The enrol-by date in the facts is {_fmt(cm.enroll_by)}; the text says '{matched}'.",
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
                        f"'{matched}' is not a date in the incident facts ({', '.join(_fmt(d) for d in dates)}); check it.",
                    )
                )
        if cm:
            for start, end, matched, months in stated.months:
                if months != cm.months:
                    findings.append(
                        _finding(
                            "monitoring_months",
                            Severity.error,
                            at + start,
                            at + end,
                            f"The facts offer {cm.months} months of monitoring; the text says '{matched}'.",
                        )
                    )
    agency_phones, agency_domains = _directory(ctx.rulebook)
    known_phones = phones | agency_phones
    for at, stated in statements_:
        for start, end, matched in stated.phones:
            if _digits(matched) not in known_phones:
                findings.append(
                    _finding(
                        "phone",
                        Severity.warning,
                        at + start,
                        at + end,
                        f"'{matched}' is not a phone number in the incident facts or the agency directory; check it.",
                    )
                )
    known_domains = domains | agency_domains
    email_spans = []
    for at, stated in statements_:
        for start, end, matched, domain in stated.emails:
            email_spans.append((at + start, at + end))
            if domain.lower() not in known_domains:
                findings.append(
                    _finding(
                        "email",
                        Severity.warning,
                        at + start,
                        at + end,
                        f"'{matched}' is not an address in the incident facts; check it.",
                    )
                )
    for at, stated in statements_:
        for start, end, matched in stated.sites:
            if any(s <= at + start < e for s, e in email_spans):
                continue
            dom = _domain(matched)
            if dom not in known_domains and not any(
                dom.endswith("." + k) or k.endswith("." + dom) for k in known_domains
            ):
                findings.append(
                    _finding(
                        "website",
                        Severity.warning,
                        at + start,
                        at + end,
                        f"'{matched}' is not a website in the incident facts or the agency directory; check it.",
                    )
                )
    if counts and facts.affected:
        count = regexes().count
        for m in count.finditer(text) if literal_index(text).may_occur(count.pattern) else ():
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
