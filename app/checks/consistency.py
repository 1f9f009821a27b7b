"""Consistency across an incident's artifacts: the letter, e-mail, website, FAQ, regulator notice
and press statement must state the same dates, counts, contacts, data and services.

Why: written by hand the artifacts drift apart (a date in the FAQ differs from the letter, the
website gives another phone number). Each artifact's dates (English or Spanish wording, a range
"between August 14 and September 22, 2026" included), phone numbers, e-mail addresses, web
addresses, counts of people and monitoring months are read with the sentence they sit in. A date
is given a role from its sentence (breach, discovery, containment, enrolment deadline, notice);
two artifacts giving different dates for one role, or different values of a contact, count or
monitoring length, is a mismatch that names both places (`FAQ line 12` and `letter line 9`).
A value that appears nowhere else and not in the facts is reported too, naming the facts.
The data involved (each artifact's list, by the facts' data-type vocabulary in English and
Spanish) and the monitoring provider are compared too (app/checks/consistency_data.py): a type one
artifact lists and another's list leaves out, or another provider's name, names both places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.checks.base import Finding, Severity
from app.checks.consistency_data import (
    Mention,
    data_involved,
    provider_key,
    providers,
    same_provider,
)
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
            digits = _phone_key(m.group())
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
            key = _site_key(m.group())
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


def _phone_key(p: str) -> str:
    digits = re.sub(r"\D", "", p)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _site_key(u: Any) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", str(u).lower()).rstrip("/")


def agency_values(rulebook: Any) -> dict[str, set[str]]:
    """Phone numbers and sites of public agencies (FTC, credit bureaus, AGs): the same in every incident."""
    phones = [getattr(a, "phone", None) for a in rulebook.all_agencies()]
    return {
        "phone": {_phone_key(p) for p in phones if p},
        "website": {_site_key(u) for u in rulebook.agency_sites()},
    }


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
    sites = [c.website, facts.organisation.website, cm.enrollment_url if cm else None]
    counts = {str(facts.total_affected)} | {str(n) for n in facts.affected.values()}
    from app.domain.obligations import obligations_report

    # the people one law's notice concerns (a regulator notice states them: GDPR's data subjects)
    report = obligations_report(facts, rulebook, facts.notice_date or date.today())
    counts |= {str(o.affected) for o in report.obligations}
    agencies = agency_values(rulebook)
    return {
        "date": {d.isoformat() for d in days if d},
        "phone": {_phone_key(p) for p in phones if p} | agencies["phone"],
        "email": {e.lower() for e in [c.email, c.dpo.email if c.dpo else None] if e},
        "website": {_site_key(u) for u in sites if u} | agencies["website"],
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
    "data": "data involved",
    "provider": "monitoring provider",
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


def _finding(kind: str, severity: Severity, message: str, at: Value) -> tuple[str, Finding]:
    return (
        at.artifact,
        Finding(
            rule=f"consistency.{kind}",
            check=CHECK,
            severity=severity,
            message=message,
            start=at.start,
            end=at.end,
        ),
    )


def _as_value(kind: str, artifact: str, m: Mention) -> Value:
    return Value(kind, m.key, "", artifact, m.start, m.end, m.shown)


def _data_findings(
    artifacts: list[Artifact], texts: dict[str, str], facts: Any | None
) -> list[tuple[str, Finding]]:
    """A data type one artifact lists and another artifact's list leaves out (both places named).

    With facts, the finding sits where the facts say the text is wrong: on the list that leaves
    out a type the facts name, or on the artifact listing a type the facts do not name."""
    lists: dict[str, dict[str, Value]] = {}
    for a in artifacts:
        for m in data_involved(a.text):
            lists.setdefault(a.name, {}).setdefault(m.key, _as_value("data", a.name, m))
    in_facts = {t.value for t in facts.data_types} if facts is not None else None
    out: list[tuple[str, Finding]] = []
    done: set[tuple[str, str]] = set()
    for name, types in lists.items():
        for key, v in types.items():
            lacking = [n for n in lists if n != name and key not in lists[n]]
            if not lacking:
                if in_facts is not None and key not in in_facts and len(lists) == 1:
                    out.append(
                        _finding(
                            "data",
                            Severity.warning,
                            f"{_where(v, texts)}: the incident facts do not name this data type; check it.",
                            v,
                        )
                    )
                continue
            other = lacking[0]
            first = min(lists[other].values(), key=lambda o: o.start)
            line = texts[other].count("\n", 0, first.start) + 1
            at = first if in_facts is not None and key in in_facts else v
            if (at.artifact, key) in done:
                continue
            done.add((at.artifact, key))
            out.append(
                _finding(
                    "data",
                    Severity.error,
                    f"The data involved differ between artifacts: {_where(v, texts)} lists it but "
                    f"{other}'s list of the data involved (line {line}) does not. "
                    "List the same data everywhere (the facts decide which is right).",
                    at,
                )
            )
    return out


def _provider_findings(
    artifacts: list[Artifact], texts: dict[str, str], facts: Any | None
) -> list[tuple[str, Finding]]:
    """A monitoring provider named differently in two artifacts (or, with facts, not the facts' one)."""
    exclude = (facts.organisation.name,) if facts is not None else ()
    found = [
        _as_value("provider", a.name, m) for a in artifacts for m in providers(a.text, exclude)
    ]
    cm = facts.services.credit_monitoring if facts is not None else None
    known = provider_key(cm.provider) if cm else ""
    out: list[tuple[str, Finding]] = []
    for v in found:
        if known and same_provider(v.key, known):
            continue
        others = [o for o in found if o.artifact != v.artifact]
        if any(same_provider(o.key, v.key) for o in others):
            continue
        if others:
            other = max(others, key=lambda o: _shared(o.key, v.key))
            message = (
                f"The monitoring provider differs between artifacts: {_where(v, texts)} but "
                f"{_where(other, texts)}. Name the same service everywhere (the facts decide which is right)."
            )
            out.append(_finding("provider", Severity.error, message, v))
        elif facts is not None:
            message = (
                f"{_where(v, texts)}: this monitoring provider is in no other artifact and not in "
                "the incident facts; check it."
            )
            out.append(_finding("provider", Severity.warning, message, v))
    return out


def check_consistency(
    artifacts: list[Artifact], facts: Any | None = None, rulebook: Any | None = None
) -> list[tuple[str, Finding]]:
    """Mismatches between artifacts (errors naming both places), and values found nowhere else (warnings)."""
    texts = {a.name: a.text for a in artifacts}
    order = {
        a.name: i for i, a in enumerate(artifacts)
    }  # among equals, name the first artifact (the letter)
    found = [v for a in artifacts for v in values(a)]
    if facts is not None and rulebook is not None:
        known = facts_values(facts, rulebook)
    else:  # without facts, the agencies' numbers and sites are still nobody's mismatch
        known = agency_values(rulebook) if rulebook is not None else {}
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
        elif facts is not None:
            message = f"{_where(v, texts)}: this {label} is in no other artifact and not in the incident facts; check it."
            severity = Severity.warning
        else:
            continue
        out.append(_finding(v.kind, severity, message, v))
    out += _data_findings(artifacts, texts, facts)
    out += _provider_findings(artifacts, texts, facts)
    return out
