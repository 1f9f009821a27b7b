"""LetterContext: the documented contract between incident facts and letter templates.

Templates may use only these fields (tests/letters/test_context_contract.py enforces it).
Every fact a template prints is already formatted text; an unknown fact is the visible marker
`[[missing: field.path]]`, so a half-known incident still drafts and the gap shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from app.domain.datatypes import IDENTITY_THEFT_TYPES
from app.domain.facts import IncidentFacts, is_toll_free
from app.domain.jurisdictions import required_elements
from app.domain.regions import residence_name
from app.domain.tones import TONES
from app.letters import fitting
from app.letters.content import BUNDLED_DIR, REGISTER, load_content, render_text
from app.letters.directory import Contact, directory
from app.letters.fitting import Audience
from app.letters.remediation_reading import reader
from app.letters.steps import Step, letter_steps
from app.letters.timeline import Timeline, timeline
from app.rulebook.loader import Rulebook

# Elements a good letter carries even where no statute lists them (FTC model letter, DESIGN.md).
BASELINE = (
    "notifier_identity",
    "what_happened",
    "info_types",
    "remediation_steps",
    "consumer_steps",
    "contact_info",
    "notice_date",
)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # not strftime: locale-independent, and faster


def missing(path: str) -> str:
    """The visible marker for an unknown fact."""
    return f"[[missing: {path}]]"


def merge_field(name: str) -> str:
    """A per-recipient merge field, filled by the mail merge (not an error in drafts)."""
    return f"[[recipient: {name}]]"


_MESES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def fmt_date(value: date | None, path: str, style: str = "mdy") -> str:
    """`March 3, 2026` (US), `3 March 2026` (style `dmy`: the EU, UK, Australia...), `3 de marzo de 2026`
    (style `es`: Spanish letters), or the missing marker."""
    if value is None:
        return missing(path)
    if style == "es":
        return f"{value.day} de {_MESES[value.month - 1]} de {value.year}"
    if style == "dmy":
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def join_words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Monitoring:
    """The free credit-monitoring offer as printed."""

    provider: str = field(metadata={"help": "Provider name."})
    months: int = field(metadata={"help": "Months of free service."})
    url: str = field(metadata={"help": "Enrollment URL."})
    code: str = field(metadata={"help": "Activation code, or a recipient merge field."})
    enroll_by: str = field(metadata={"help": "Enrollment deadline as text, or the missing marker."})
    phone: str = field(metadata={"help": "Enrollment help phone number (may be empty)."})


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter template may use. Field help text is the documentation."""

    tone: str = field(metadata={"help": "empathetic, formal or plain."})
    jurisdiction: str = field(metadata={"help": "Variant's jurisdiction code, e.g. US-CA."})
    jurisdiction_name: str = field(metadata={"help": "Human name, e.g. California."})
    include: frozenset[str] = field(
        metadata={
            "help": "Element ids the letter must contain (required + triggered + baseline, minus prohibited)."
        }
    )
    exclude: frozenset[str] = field(
        metadata={"help": "Element ids the letter must not contain (prohibited here)."}
    )
    ca_format: bool = field(metadata={"help": "Use the California title and five headings."})
    title: str = field(metadata={"help": "Letter title."})
    notice_date: str = field(metadata={"help": "Date of the letter."})
    org_name: str = field(metadata={"help": "Notifying organisation."})
    org_address: str = field(
        metadata={"help": "Organisation's postal address on one line (may be empty)."}
    )
    parent_company: str = field(metadata={"help": "Parent company name (may be empty)."})
    recipient_name: str = field(metadata={"help": "Recipient name merge field."})
    summary: str = field(metadata={"help": "What happened, in the responder's plain words."})
    cause: str = field(
        metadata={"help": "Cause category in words, e.g. 'a ransomware attack' (may be empty)."}
    )
    breach_dates: str = field(
        metadata={"help": "When it happened: 'on March 3, 2026' or 'between ... and ...'."}
    )
    discovery_date: str = field(metadata={"help": "When it was discovered."})
    containment_date: str = field(metadata={"help": "When it was contained (may be empty)."})
    timeline: Timeline = field(
        metadata={
            "help": "Which 'when' sentences to write (app/letters/timeline.py): no date twice in a row."
        }
    )
    law_enforcement_delay: bool = field(
        metadata={"help": "Notice was delayed at law enforcement's request."}
    )
    third_parties: str = field(metadata={"help": "Who acquired the data, if known (may be empty)."})
    misuse_known: str = field(
        metadata={
            "help": "The sentence saying the data has already been misused, when the facts record "
            "it (incident.misuse_known); else empty."
        }
    )
    data_types: tuple[str, ...] = field(
        metadata={"help": "Exposed data in plain words, most sensitive first."}
    )
    data_types_text: str = field(metadata={"help": "The same joined into a phrase."})
    affected_count: str = field(
        metadata={"help": "Number of affected people as text ('12,400 people')."}
    )
    remediation: tuple[str, ...] = field(
        metadata={"help": "What the organisation did, one sentence each."}
    )
    steps: tuple[Step, ...] = field(
        metadata={
            "help": "Actions for the recipient, most protective first, fitted to the exposed data; steps[0] is the one the opening names."
        }
    )
    rights: tuple[str, ...] = field(
        metadata={
            "help": "Rights that are not actions (police report, free freeze), one sentence each (US letters)."
        }
    )
    us: bool = field(
        metadata={
            "help": "A US letter (else a letter for residents outside the US: no US-only content)."
        }
    )
    personal_data: str = field(
        metadata={
            "help": "'personal information', or 'personal data' where the law says so (GDPR family)."
        }
    )
    authorities: tuple[Contact, ...] = field(
        metadata={
            "help": "Supervisory authorities recipients may complain to (letters outside the US)."
        }
    )
    complaint_right: tuple[str, ...] = field(
        metadata={"help": "The right-to-complain sentence per authority (letters outside the US)."}
    )
    intl_phone: str = field(
        metadata={
            "help": "A phone number callable from abroad (non-toll-free, from the facts), or empty."
        }
    )
    consequences: tuple[str, ...] = field(
        metadata={"help": "Likely consequences for the recipient, fitted to the exposed data."}
    )
    monitoring: Monitoring | None = field(
        metadata={"help": "Credit-monitoring offer, or None when none is offered."}
    )
    other_services: tuple[str, ...] = field(metadata={"help": "Other services offered."})
    toll_free: str = field(metadata={"help": "Toll-free number, or the missing marker."})
    phone_hours: str = field(metadata={"help": "Call-centre hours (may be empty)."})
    intl_hours: str = field(
        metadata={
            "help": "Hours of intl_phone in its callers' local time (may be empty; only with intl_phone)."
        }
    )
    email: str = field(metadata={"help": "Email for questions (may be empty)."})
    website: str = field(metadata={"help": "Incident web page (may be empty)."})
    postal_address: str = field(metadata={"help": "Postal address for questions (may be empty)."})
    dpo: Contact | None = field(metadata={"help": "Data protection officer, or None."})
    contact_point: str = field(
        metadata={
            "help": "Where a law asks for the DPO or other contact point (GDPR Art. 33(3)(b)) and the "
            "facts name no DPO: the sentence naming the contact point; else empty."
        }
    )
    cras: tuple[Contact, ...] = field(
        metadata={"help": "Equifax, Experian, TransUnion (US letters only)."}
    )
    ftc: Contact = field(metadata={"help": "Federal Trade Commission contact."})
    agencies: tuple[Contact, ...] = field(
        metadata={"help": "State Attorney General / regulator contacts this variant must print."}
    )
    signatory_name: str = field(metadata={"help": "Who signs."})
    signatory_title: str = field(metadata={"help": "Their title."})
    unverified: bool = field(
        metadata={"help": "The jurisdiction's rules rest partly on unverified research."}
    )

    def shows(self, element: str) -> bool:
        """True when the letter should contain `element` (templates call `ctx.shows(...)`)."""
        return element in self.include and element not in self.exclude


def documented_fields() -> set[str]:
    """Names templates may use: LetterContext fields plus `ctx`."""
    return {f.name for f in fields(LetterContext)} | {"ctx"}


def _dpo(facts: IncidentFacts, include: set[str], us: bool) -> Contact | None:
    """The DPO contact, or None (then a law asking for one gets the contact point, `_point`).

    A US letter prints the DPO only where one of its laws requires it or the facts say the DPO
    serves US residents too (`contacts.dpo.serves_us_residents`): an EU DPO otherwise means
    nothing to US residents (issue 19).
    """
    dpo = facts.contacts.dpo
    if dpo and (not us or "dpo_contact" in include or dpo.serves_us_residents):
        return Contact(name=dpo.name, address=dpo.address or "", email=dpo.email or "")
    return None


def _point(facts: IncidentFacts, phone: str | None) -> str:
    """The contact point when there is no DPO: the e-mail address, else a phone number, else the
    postal address (GDPR Art. 33(3)(b) "or other contact point"); a visible gap when none is known."""
    c = facts.contacts
    if c.email:
        return c.email
    if phone:
        return phone
    if c.postal_address:
        return c.postal_address.one_line()
    return missing("contacts.email")


def _period(start: date | None, end: date | None, style: str) -> str:
    """`on March 3, 2026`, or `between March 3 and March 19, 2026` (the year once when it is shared);
    in Spanish `el 3 de marzo de 2026`, `entre el 3 y el 19 de marzo de 2026`."""
    if style == "es":
        return _periodo(start, end)
    if start and end and end != start:
        first = fmt_date(start, "", style)
        if start.year == end.year:
            first = first.replace(f", {start.year}", "").replace(f" {start.year}", "")
        return f"between {first} and {fmt_date(end, '', style)}"
    return "on " + fmt_date(start, "incident.breach_start", style)


def _periodo(start: date | None, end: date | None) -> str:
    """The Spanish breach period: the month and year once when they are shared."""
    if start and end and end != start:
        first = fmt_date(start, "", "es")
        if start.year == end.year:
            first = first.removesuffix(f" de {start.year}")
            if start.month == end.month:
                first = first.removesuffix(f" de {_MESES[start.month - 1]}")
        return f"entre el {first} y el {fmt_date(end, '', 'es')}"
    return "el " + fmt_date(start, "incident.breach_start", "es")


def _group(rulebook: Rulebook, codes: list[str], facts: IncidentFacts) -> Audience:
    """The variant's laws: the union of what they require, minus what any forbids (unless another requires it)."""
    group = [rulebook.jurisdiction(code) for code in codes]
    required = set().union(*(required_elements(r, facts) for r in group))
    exclude = set().union(*(set(r.prohibits) for r in group)) - (
        required if len(group) > 1 else set()
    )
    include = (set(BASELINE) | required) - exclude
    us = any(code.startswith("US") for code in codes)
    if facts.services.credit_monitoring:
        include.add("credit_monitoring_offer")
    if us and facts.has(*IDENTITY_THEFT_TYPES):
        # Identity-theft data: the FTC model letter's freeze, fraud-alert and bureau contacts fit everyone.
        include |= {
            "cra_contacts",
            "ftc_contact",
            "credit_freeze_info",
            "fraud_alert_info",
            "credit_freeze_free",
        }
    if us and "credit_freeze_info" in include:
        include.add("cra_contacts")  # the freeze step points at the bureaus' contacts
    if "what_happened" not in exclude:
        include.add(
            "likely_consequences"
        )  # "What this could mean for you", except where the breach may not be described
    return Audience(
        codes=tuple(codes), include=frozenset(include - exclude), exclude=frozenset(exclude)
    )


def build_context(
    facts: IncidentFacts,
    rulebook: Rulebook,
    *,
    jurisdiction: str | None = None,
    jurisdictions: list[str] | None = None,
    tone: str,
    templates_dir: Path | str | None = None,
) -> LetterContext:
    """Turn facts into the template contract for one variant and tone.

    `jurisdiction` names one law; `jurisdictions` a variant's laws (app.domain.variants): the letter
    carries the union of their requirements and leaves out what any forbids, unless another of the
    variant's own laws requires it (the variant reports that conflict). The wording of steps,
    consequences and rights comes from `templates_dir`'s content.yml (default: Candor's own).
    """
    if tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}; use one of {', '.join(TONES)}")
    codes = list(jurisdictions or ([jurisdiction] if jurisdiction else []))
    if not codes:
        raise ValueError("build_context needs `jurisdiction` or `jurisdictions`")
    tdir = str(templates_dir) if templates_dir else BUNDLED_DIR
    content = load_content(tdir)
    group = [rulebook.jurisdiction(code) for code in codes]
    aud = _group(rulebook, codes, facts)
    include, exclude = set(aud.include), set(aud.exclude)
    style = (
        "es"
        if content.language == "es"
        else ("dmy" if any(c in content.day_month_year for c in codes) else "mdy")
    )
    inc = facts.incident
    org = facts.organisation
    c = facts.contacts
    cm = facts.services.credit_monitoring
    breach_dates = _period(inc.breach_start, inc.breach_end, style)
    labels = fitting.labels(content, facts, aud)
    # The number the responder gave as toll-free is printed as given (a non-US freephone number too);
    # otherwise the other phone number when it is a toll-free one.
    toll_free = (
        c.toll_free.number
        if c.toll_free
        else (c.phone if c.phone and is_toll_free(c.phone) else None)
    )
    toll = toll_free or missing("contacts.toll_free.number")
    intl_phone = c.phone if c.phone and not is_toll_free(c.phone) else ""
    # Every agency the variant's laws name (a rule file sets `agency` only where its letters must print it).
    known = directory(rulebook)
    agencies = tuple(known.regulators[code] for code in codes if code in known.regulators)
    cras = known.cras if aud.us else ()
    authorities = () if aud.us else tuple(known.listed[c] for c in codes if c in known.listed)
    monitoring = None
    if cm:
        monitoring = Monitoring(
            provider=cm.provider,
            months=cm.months,
            url=str(cm.enrollment_url),
            code=cm.enrollment_code or merge_field("activation_code"),
            enroll_by=fmt_date(cm.enroll_by, "services.credit_monitoring.enroll_by", style),
            phone=cm.phone or "",
        )
    variables = {
        "org_name": org.name,
        "monitoring": monitoring,
        "card_period": breach_dates,
        "annual_reports": known.annual_reports,
    }
    remediation = reader(content, rulebook, content.language, aud.exclude)
    reading = remediation.read(tuple(facts.remediation))
    reg = REGISTER[tone]
    personal_data = (
        "personal data"
        if any(code in content.personal_data for code in codes)
        else "personal information"
    )
    total = facts.total_affected
    return LetterContext(
        tone=tone,
        jurisdiction="+".join(codes),
        jurisdiction_name=join_words([r.name for r in group]),
        include=frozenset(include),
        exclude=frozenset(exclude),
        ca_format="headings_ca" in include or "title_notice_of_data_breach" in include,
        title="Notice of Data Breach"
        if "title_notice_of_data_breach" in include
        else f"Notice of a data breach at {org.name}",
        notice_date=fmt_date(facts.notice_date, "notice_date", style),
        org_name=org.name,
        org_address=org.address.one_line() if org.address else "",
        parent_company=org.parent_company or "",
        recipient_name=merge_field("name"),
        summary=inc.summary or missing("incident.summary"),
        cause="" if inc.summary or not inc.cause else content.causes.get(inc.cause.value, ""),
        breach_dates=breach_dates,
        discovery_date=fmt_date(inc.discovery_date, "incident.discovery_date", style),
        containment_date=fmt_date(inc.containment_date, "incident.containment_date", style)
        if inc.containment_date
        else "",
        timeline=timeline(inc, (inc.summary or "") if "what_happened" in include - exclude else ""),
        law_enforcement_delay=inc.law_enforcement_delay,
        third_parties=inc.third_parties or "",
        misuse_known=getattr(content.misuse_known, reg) if inc.misuse_known else "",
        data_types=tuple(labels) or (missing("data_types"),),
        data_types_text=join_words(labels) or missing("data_types"),
        affected_count=f"{total:,} people" if total else missing("affected"),
        remediation=fitting.remediation(content, facts, aud, remediation)
        or (missing("remediation"),),
        steps=letter_steps(tdir, tone, facts, aud, reading, variables),
        rights=fitting.rights(content, facts, aud, tone),
        us=aud.us,
        personal_data=personal_data,
        authorities=authorities,
        complaint_right=tuple(
            render_text(tdir, getattr(content.complaint_right, reg), {"authority": a})
            for a in authorities
        ),
        intl_phone=intl_phone,
        consequences=fitting.consequences(content, facts, aud),
        monitoring=monitoring,
        other_services=tuple(facts.services.other),
        toll_free=toll,
        phone_hours=c.toll_free.hours or "" if c.toll_free else "",
        intl_hours=(c.phone_hours or "") if intl_phone else "",
        email=c.email or "",
        website=str(c.website) if c.website else "",
        postal_address=c.postal_address.one_line()
        if c.postal_address
        else (org.address.one_line() if org.address else ""),
        dpo=_dpo(facts, include, aud.us),
        contact_point=render_text(
            tdir,
            getattr(content.contact_point, reg),
            {"point": _point(facts, intl_phone or toll_free), "personal_data": personal_data},
        )
        if "dpo_contact" in include and not facts.contacts.dpo
        else "",
        cras=cras,
        ftc=known.ftc,
        agencies=agencies if aud.us else (),
        signatory_name=facts.signatory.name if facts.signatory else missing("signatory.name"),
        signatory_title=facts.signatory.title if facts.signatory else missing("signatory.title"),
        unverified=any(r.is_unverified for r in group),
    )


def residence_label(code: str) -> str:
    """Re-exported for templates' callers that label recipients by residence."""
    return residence_name(code)
