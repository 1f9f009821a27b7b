"""Consistency across an incident's artifacts: the letter, e-mail, website, FAQ, regulator notice
and press statement must state the same dates, counts, contacts and services.

Why: written by hand the artifacts drift apart (a date in the FAQ differs from the letter, the
website gives another phone number). Each artifact's dates (English or Spanish wording, a range
"between August 14 and September 22, 2026" included), phone numbers, e-mail addresses, web
addresses, counts of people and monitoring months are read with the sentence they sit in. A date
is given a role from its sentence (breach, discovery, containment, enrolment deadline, notice);
two artifacts giving different dates for one role, or different values of a contact, count or
monitoring length, is a mismatch that names both places (`FAQ line 12` and `letter line 9`).
A value that appears nowhere else and not in the facts is reported too, naming the facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.checks.base import Finding, Severity
from app.checks.text import segment

CHECK = "consistency"
_EN = (
    "january february march april may june july august september october november december".split()
)
_ES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
_MONTH = "|".join(_EN + _ES + ["setiembre"])
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:,\s*(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:\s+de)?\s+(?P<m2>{_MONTH})(?:(?:\s+de)?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<d3>\d{{1,2}})(?=\s+(?:and|y(?:\s+el)?|to|al?)\s+(?:el\s+)?(?:\d{{1,2}}|{_MONTH})))\b",
    re.IGNORECASE,
)
_YEAR_AHEAD = re.compile(r"\b(\d{4})\b")
_PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b|\+\d{1,3}(?: \d{1,4}){2,4}\b"
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|gov|net|example|io)(?:/[^\s)\]>,;*]*[^\s)\]>,;.*])?",
    re.I,
)
_COUNT = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d{2,})\s+(?:[a-zA-Z-]+\s+){0,2}?(?:people|individuals|residents|customers|patients|data subjects|personas|residentes|interesados)\b",
    re.IGNORECASE,
)
_MONITORING = re.compile(
    r"\b(\d{1,3})\s+(?:months|meses)\b[^.]{0,60}\b(?:monitoring|monitoreo)\b", re.I
)
ROLES = (
    ("enrolment", r"\b(?:enrol\w*|sign up|inscr[ií]b\w*|antes del)\b"),
    ("containment", r"\b(?:stopped|contained|paramos|contuvimos|contenci[oó]n)\b"),
    ("discovery", r"\b(?:discover\w*|found out|learned|descubri\w*|found)\b"),
    (
        "breach",
        r"\b(?:happened|occurred|between|ocurri[oó]|entre el|date of the breach|fecha de la violaci)\b",
    ),
)


@dataclass(frozen=True)
class Artifact:
    """One artifact's text and the name it is reported by ('letter', 'FAQ', a file name)."""

    name: str
    text: str


@dataclass(frozen=True)
class Value:
    """A value stated in an artifact: its kind, its normalised form, where, and the words as written."""

    kind: str
    key: str
    role: str
    artifact: str
    start: int
    end: int
    shown: str


def _month(name: str) -> int:
    name = name.lower().replace("setiembre", "septiembre")
    return (_EN.index(name) if name in _EN else _ES.index(name)) + 1


def _dates(text: str) -> list[tuple[int, int, str, date]]:
    out = []
    for m in _DATE.finditer(text):
        month_name = m.group("m1") or m.group("m2")
        day = int(m.group("d1") or m.group("d2") or m.group("d3"))
        year = m.group("y1") or m.group("y2")
        if (
            month_name is None or year is None
        ):  # "between August 14 and ..., 2026": take the next ones
            tail = _DATE.search(text, m.end())
            if tail is None:
                continue
            month_name = month_name or tail.group("m1") or tail.group("m2")
            year = year or tail.group("y1") or tail.group("y2")
            if month_name is None or year is None:
                continue
        try:
            out.append((m.start(), m.end(), m.group(), date(int(year), _month(month_name), day)))
        except ValueError:
            continue
    return out


def _role(sentence: str, at: int) -> str:
    before = sentence[:at]
    for role, pattern in ROLES:
        if re.search(pattern, before[-80:], re.I) or (
            role != "breach" and re.search(pattern, sentence[at : at + 40], re.I)
        ):
            return role
    return ""


def values(artifact: Artifact) -> list[Value]:
    """Every comparable value an artifact states."""
    doc = segment(artifact.text)
    out: list[Value] = []
    for unit in doc.sentences:
        s = unit.text
        for start, end, shown, d in _dates(s):
            out.append(
                Value(
                    "date",
                    d.isoformat(),
                    _role(s, start),
                    artifact.name,
                    unit.start + start,
                    unit.start + end,
                    shown,
                )
            )
        for m in _PHONE.finditer(s):
            digits = re.sub(r"\D", "", m.group())
            digits = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
            out.append(
                Value(
                    "phone",
                    digits,
                    "",
                    artifact.name,
                    unit.start + m.start(),
                    unit.start + m.end(),
                    m.group(),
                )
            )
        emails = list(_EMAIL.finditer(s))
        for m in emails:
            out.append(
                Value(
                    "email",
                    m.group().lower(),
                    "",
                    artifact.name,
                    unit.start + m.start(),
                    unit.start + m.end(),
                    m.group(),
                )
            )
        for m in _URL.finditer(s):
            if any(e.start() <= m.start() < e.end() for e in emails):
                continue
            key = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group().lower()).rstrip("/")
            out.append(
                Value(
                    "website",
                    key,
                    "",
                    artifact.name,
                    unit.start + m.start(),
                    unit.start + m.end(),
                    m.group(),
                )
            )
        for m in _COUNT.finditer(s):
            out.append(
                Value(
                    "count",
                    m.group(1).replace(",", ""),
                    "",
                    artifact.name,
                    unit.start + m.start(),
                    unit.start + m.end(),
                    m.group(),
                )
            )
        for m in _MONITORING.finditer(s):
            out.append(
                Value(
                    "months",
                    m.group(1),
                    "",
                    artifact.name,
                    unit.start + m.start(),
                    unit.start + m.end(),
                    m.group(),
                )
            )
    return out


def facts_values(facts: Any, rulebook: Any) -> dict[str, set[str]]:
    """What the facts (and the rulebook's agency directory) allow each kind to be."""
    inc, c = facts.incident, facts.contacts
    cm = facts.services.credit_monitoring
    days = [
        inc.breach_start,
        inc.breach_end,
        inc.discovery_date,
        inc.containment_date,
        facts.notice_date,
        cm.enroll_by if cm else None,
    ]
    phones = [c.toll_free.number if c.toll_free else None, c.phone, cm.phone if cm else None]
    phones += [getattr(a, "phone", None) for a in rulebook.agencies.values()]
    phones += [r.agency.phone for r in rulebook.jurisdictions.values() if r.agency]
    sites = [c.website, facts.organisation.website, cm.enrollment_url if cm else None]
    sites += [getattr(a, "website", None) for a in rulebook.agencies.values()]
    sites += [r.agency.website for r in rulebook.jurisdictions.values() if r.agency]
    counts = {str(facts.total_affected)} | {str(n) for n in facts.affected.values()}
    from app.domain.obligations import obligations_report

    # the people one law's notice concerns (a regulator notice states them: GDPR's data subjects)
    report = obligations_report(facts, rulebook, facts.notice_date or date.today())
    counts |= {str(o.affected) for o in report.obligations}
    return {
        "date": {d.isoformat() for d in days if d},
        "phone": {
            re.sub(r"\D", "", p)[-10:]
            if re.sub(r"\D", "", p).startswith("1") and len(re.sub(r"\D", "", p)) == 11
            else re.sub(r"\D", "", p)
            for p in phones
            if p
        },
        "email": {e.lower() for e in [c.email, c.dpo.email if c.dpo else None] if e},
        "website": {
            re.sub(r"^(?:https?://)?(?:www\.)?", "", str(u).lower()).rstrip("/") for u in sites if u
        },
        "count": counts,
        "months": {str(cm.months)} if cm else set(),
    }


LABELS = {
    "date": "date",
    "phone": "phone number",
    "email": "e-mail address",
    "website": "web address",
    "count": "count",
    "months": "monitoring length",
}


def _shared(a: str, b: str) -> int:
    """Length of the common prefix."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _where(v: Value, texts: dict[str, str]) -> str:
    line = texts[v.artifact].count("\n", 0, v.start) + 1
    return f"{v.artifact} line {line} ('{v.shown}')"


def check_consistency(
    artifacts: list[Artifact], facts: Any | None = None, rulebook: Any | None = None
) -> list[tuple[str, Finding]]:
    """Mismatches between artifacts (errors naming both places), and values found nowhere else (warnings)."""
    texts = {a.name: a.text for a in artifacts}
    order = {
        a.name: i for i, a in enumerate(artifacts)
    }  # among equals, name the first artifact (the letter)
    found = [v for a in artifacts for v in values(a)]
    known = facts_values(facts, rulebook) if facts is not None and rulebook is not None else {}
    out: list[tuple[str, Finding]] = []
    reported: set[tuple[str, int]] = set()
    for v in found:
        if v.key in known.get(v.kind, set()):
            continue
        others = [o for o in found if o.kind == v.kind and o.artifact != v.artifact]
        if any(o.key == v.key for o in others):
            continue  # stated alike elsewhere
        rivals = [o for o in others if (v.kind != "date" or (v.role and o.role == v.role))]
        if v.kind == "date" and not v.role:
            rivals = []
        if v.kind in ("website", "email"):
            rivals = [
                o
                for o in rivals
                if o.key.split("/")[0].split("@")[-1] == v.key.split("/")[0].split("@")[-1]
            ] or []
        key = (v.artifact, v.start)
        if key in reported:
            continue
        reported.add(key)
        label = LABELS[v.kind] + (f" ({v.role})" if v.role else "")
        if rivals:
            # the rival that looks most like it (a mistyped number shares most of its digits)
            other = max(rivals, key=lambda o: (_shared(o.key, v.key), -order[o.artifact]))
            message = (
                f"The {label} differs between artifacts: {_where(v, texts)} but {_where(other, texts)}. "
                "State the same fact everywhere (the facts decide which is right)."
            )
            severity = Severity.error
        elif known:
            message = f"{_where(v, texts)}: this {label} is in no other artifact and not in the incident facts; check it."
            severity = Severity.warning
        else:
            continue
        out.append(
            (
                v.artifact,
                Finding(
                    rule=f"consistency.{v.kind}",
                    check=CHECK,
                    severity=severity,
                    message=message,
                    start=v.start,
                    end=v.end,
                ),
            )
        )
    return out
