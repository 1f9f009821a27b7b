"""LetterContext: the documented contract between incident facts and letter templates.

Templates may use only these fields (tests/letters/test_context_contract.py enforces it).
Every fact a template prints is already formatted text; an unknown fact is the visible marker
`[[missing: field.path]]`, so a half-known incident still drafts and the gap shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from app.domain.datatypes import CREDENTIAL_TYPES, FINANCIAL_TYPES, HEALTH_TYPES, IDENTITY_THEFT_TYPES, LABELS, DataType
from app.domain.facts import IncidentFacts, is_toll_free
from app.domain.jurisdictions import required_elements
from app.domain.regions import residence_name
from app.rulebook.loader import Rulebook

TONES = ("empathetic", "formal", "plain")
# Elements a good letter carries even where no statute lists them (FTC model letter, DESIGN.md).
BASELINE = ("notifier_identity", "what_happened", "info_types", "remediation_steps", "consumer_steps", "contact_info", "notice_date")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # not strftime: locale-independent, and faster


def missing(path: str) -> str:
    """The visible marker for an unknown fact."""
    return f"[[missing: {path}]]"


def merge_field(name: str) -> str:
    """A per-recipient merge field, filled by the mail merge (not an error in drafts)."""
    return f"[[recipient: {name}]]"


def fmt_date(value: date | None, path: str) -> str:
    """`March 3, 2026`, or the missing marker."""
    if value is None:
        return missing(path)
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def join_words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Contact:
    """A contact block: who, phone, address, website."""

    name: str = field(metadata={"help": "Agency or organisation name."})
    phone: str = field(default="", metadata={"help": "Phone number as printed."})
    address: str = field(default="", metadata={"help": "Postal address on one line."})
    website: str = field(default="", metadata={"help": "Website without scheme, e.g. www.identitytheft.gov."})
    email: str = field(default="", metadata={"help": "Email address (may be empty)."})


@dataclass(frozen=True)
class Step:
    """One action for the recipient, with the reason it matters."""

    id: str = field(metadata={"help": "Stable id: freeze, fraud_alert, credit_reports, passwords, card, statements, benefits, phishing, monitoring, police_report."})
    title: str = field(metadata={"help": "The action, imperative: 'Freeze your credit.'"})
    reason: str = field(metadata={"help": "Why, in one sentence."})
    detail: str = field(default="", metadata={"help": "How, in one or two sentences (may be empty)."})


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
    include: frozenset[str] = field(metadata={"help": "Element ids the letter must contain (required + triggered + baseline, minus prohibited)."})
    exclude: frozenset[str] = field(metadata={"help": "Element ids the letter must not contain (prohibited here)."})
    ca_format: bool = field(metadata={"help": "Use the California title and five headings."})
    title: str = field(metadata={"help": "Letter title."})
    notice_date: str = field(metadata={"help": "Date of the letter."})
    org_name: str = field(metadata={"help": "Notifying organisation."})
    org_address: str = field(metadata={"help": "Organisation's postal address on one line (may be empty)."})
    parent_company: str = field(metadata={"help": "Parent company name (may be empty)."})
    recipient_name: str = field(metadata={"help": "Recipient name merge field."})
    summary: str = field(metadata={"help": "What happened, in the responder's plain words."})
    cause: str = field(metadata={"help": "Cause category in words, e.g. 'a ransomware attack' (may be empty)."})
    breach_dates: str = field(metadata={"help": "When it happened: 'on March 3, 2026' or 'between ... and ...'."})
    discovery_date: str = field(metadata={"help": "When it was discovered."})
    containment_date: str = field(metadata={"help": "When it was contained (may be empty)."})
    law_enforcement_delay: bool = field(metadata={"help": "Notice was delayed at law enforcement's request."})
    third_parties: str = field(metadata={"help": "Who acquired the data, if known (may be empty)."})
    data_types: tuple[str, ...] = field(metadata={"help": "Exposed data in plain words, most sensitive first."})
    data_types_text: str = field(metadata={"help": "The same joined into a phrase."})
    affected_count: str = field(metadata={"help": "Number of affected people as text ('12,400 people')."})
    remediation: tuple[str, ...] = field(metadata={"help": "What the organisation did, one sentence each."})
    steps: tuple[Step, ...] = field(metadata={"help": "Actions for the recipient, most important first, fitted to the exposed data."})
    consequences: tuple[str, ...] = field(metadata={"help": "Likely consequences for the recipient, fitted to the exposed data."})
    monitoring: Monitoring | None = field(metadata={"help": "Credit-monitoring offer, or None when none is offered."})
    other_services: tuple[str, ...] = field(metadata={"help": "Other services offered."})
    toll_free: str = field(metadata={"help": "Toll-free number, or the missing marker."})
    phone_hours: str = field(metadata={"help": "Call-centre hours (may be empty)."})
    email: str = field(metadata={"help": "Email for questions (may be empty)."})
    website: str = field(metadata={"help": "Incident web page (may be empty)."})
    postal_address: str = field(metadata={"help": "Postal address for questions (may be empty)."})
    dpo: Contact | None = field(metadata={"help": "Data protection officer, or None."})
    cras: tuple[Contact, ...] = field(metadata={"help": "Equifax, Experian, TransUnion."})
    ftc: Contact = field(metadata={"help": "Federal Trade Commission contact."})
    agencies: tuple[Contact, ...] = field(metadata={"help": "State Attorney General / regulator contacts this variant must print."})
    signatory_name: str = field(metadata={"help": "Who signs."})
    signatory_title: str = field(metadata={"help": "Their title."})
    unverified: bool = field(metadata={"help": "The jurisdiction's rules rest partly on unverified research."})

    def shows(self, element: str) -> bool:
        """True when the letter should contain `element` (templates call `ctx.shows(...)`)."""
        return element in self.include and element not in self.exclude


def documented_fields() -> set[str]:
    """Names templates may use: LetterContext fields plus `ctx`."""
    return {f.name for f in fields(LetterContext)} | {"ctx"}


_CAUSE_WORDS = {
    "ransomware": "a ransomware attack", "phishing": "a phishing email", "hacking": "a break-in to our computer systems",
    "malware": "malicious software on our systems", "misconfiguration": "a setting error that left data open",
    "credential_stuffing": "criminals logging in with passwords stolen from other websites",
    "lost_device": "a lost device", "stolen_device": "a stolen device",
    "misdirected_communication": "mail sent to the wrong person", "insider": "an employee who misused their access",
    "vendor": "a breach at one of our vendors", "physical": "a physical break-in", "other": "",
}

_ORDER = [DataType.ssn, DataType.tax_id, DataType.drivers_license, DataType.state_id, DataType.passport, DataType.military_id,
          DataType.financial_account, DataType.payment_card, DataType.account_security_code, DataType.medical,
          DataType.health_insurance, DataType.biometric, DataType.genetic, DataType.username_password,
          DataType.security_questions, DataType.date_of_birth, DataType.mothers_maiden_name, DataType.name,
          DataType.address, DataType.email, DataType.phone, DataType.geolocation, DataType.other]


def _contact(agency: object) -> Contact:
    return Contact(
        name=getattr(agency, "name", ""), phone=getattr(agency, "phone", None) or "",
        address=getattr(agency, "address", None) or "", website=getattr(agency, "website", None) or "",
    )


# Step wording per register: (action, why it matters, how). Plain words serve the plain and
# empathetic tones; the formal tone says the same things in a measured register. Which steps a
# letter carries, and in what order, is decided once in `_step_ids`, not per tone.
_PLAIN_STEPS: dict[str, tuple[str, str, str]] = {
    "monitoring": ("Sign up for the free credit monitoring we offer.",
                   "It alerts you if someone uses your information to open credit.", ""),
    "passwords": ("Change your password now, on our site and on any other site where you use it.",
                  "Anyone with your old password can try it on your other accounts.",
                  "Use a different password for each site, and turn on two-step login where you can."),
    "card": ("Ask your bank for a new card.", "A new card number stops anyone from using the old one.",
             "Check your card statements and report any charge you do not know."),
    "statements": ("Check your bank statements.", "You can stop fraud faster if you spot it early.",
                   "Tell your bank right away about any payment you did not make."),
    "freeze": ("Freeze your credit.", "A freeze stops anyone from opening new credit in your name.",
               "A security freeze is free. To place one, contact each of the three credit bureaus listed below online or by phone, "
               "with your name, address, date of birth and Social Security number."),
    "fraud_alert": ("Place a fraud alert.", "A fraud alert tells lenders to check that it is really you before they open an account.",
                    "A fraud alert is free and lasts one year. Contact any one of the three credit bureaus and it will tell the other two."),
    "credit_reports": ("Check your credit reports.", "Your reports show any account opened in your name.",
                       "You can get free reports at www.annualcreditreport.com or by calling 1-877-322-8228. "
                       "Ask the credit bureau to remove anything that is wrong."),
    "benefits": ("Review the statements you get from your health insurer.", "Look for care or visits you did not receive.",
                 "If you see a service you did not get, call your insurer."),
    "police_report": ("Report identity theft.", "A report helps you fix your records if someone uses your information.",
                      "You have the right to file a police report and to get a copy of it. You can also report identity theft to the FTC "
                      "at www.identitytheft.gov or your state Attorney General."),
    "phishing": ("Watch out for scam emails and calls.", "Criminals may pretend to be us to get more information.",
                 "We will never ask for your password or other personal information by email or phone."),
}
_FORMAL_STEPS: dict[str, tuple[str, str, str]] = {
    "monitoring": ("Enroll in the complimentary credit monitoring service.",
                   "The service will notify you if your information is used to apply for credit.", ""),
    "passwords": ("Change your password for our service, and for any other account where you used the same password.",
                  "The same password could be tried on your other accounts.",
                  "We recommend a unique password for each account and, where available, two-step verification."),
    "card": ("Request a replacement card from your card issuer.",
             "A new card number prevents further use of the number involved in this incident.",
             "Review your card statements and report any unauthorized charge to your issuer promptly."),
    "statements": ("Review your financial account statements.",
                   "Early detection allows unauthorized transactions to be reversed more readily.",
                   "Report any transaction you did not authorize to your financial institution without delay."),
    "freeze": ("Consider placing a security freeze on your credit file.",
               "A security freeze prevents new credit from being opened in your name without your consent.",
               "Placing, lifting or removing a security freeze is free of charge. To request one, contact each of the three "
               "nationwide consumer reporting agencies listed below, online or by telephone, and provide your name, address, "
               "date of birth and Social Security number."),
    "fraud_alert": ("Consider placing a fraud alert on your credit file.",
                    "A fraud alert requires creditors to take steps to verify your identity before opening a new account.",
                    "An initial fraud alert is free and lasts one year. You need to contact only one of the three consumer "
                    "reporting agencies, which will notify the other two."),
    "credit_reports": ("Obtain and review your credit reports.",
                       "Your credit reports list any accounts opened in your name.",
                       "You are entitled to free credit reports at www.annualcreditreport.com or by calling 1-877-322-8228. "
                       "Ask the consumer reporting agency to correct any inaccurate information."),
    "benefits": ("Review the explanation of benefits statements from your health insurer.",
                 "These statements show the services billed in your name.",
                 "Contact your insurer about any service you did not receive."),
    "police_report": ("Report suspected identity theft.",
                      "A report supports the correction of your records if your information is misused.",
                      "You have the right to file a police report and to obtain a copy of it. You may also report identity theft to "
                      "the FTC at www.identitytheft.gov or to your state Attorney General."),
    "phishing": ("Remain alert to unsolicited emails and telephone calls.",
                 "Fraudsters may impersonate us in an attempt to obtain further information.",
                 "We will not request your password or other personal information by email or telephone."),
}
STEP_TEXT: dict[str, dict[str, tuple[str, str, str]]] = {
    "plain": _PLAIN_STEPS, "empathetic": _PLAIN_STEPS, "formal": _FORMAL_STEPS,
}


def _step_ids(facts: IncidentFacts, include: set[str]) -> list[str]:
    """Which actions fit the exposed data, most important first (DESIGN.md: steps fit the data)."""
    ids: list[str] = []
    if facts.services.credit_monitoring:
        ids.append("monitoring")
    if facts.has(*CREDENTIAL_TYPES):
        ids.append("passwords")
    if facts.has(DataType.payment_card, DataType.account_security_code):
        ids.append("card")
    if facts.has(DataType.financial_account):
        ids.append("statements")
    identity = facts.has(*IDENTITY_THEFT_TYPES) or "credit_freeze_info" in include
    if identity:
        ids.append("freeze")
    if identity or "fraud_alert_info" in include:
        ids.append("fraud_alert")
    if identity or facts.has(*FINANCIAL_TYPES) or "review_statements_advice" in include or "free_credit_report_info" in include:
        ids.append("credit_reports")
    if facts.has(*HEALTH_TYPES):
        ids.append("benefits")
    if "police_report_right" in include or "report_identity_theft_advice" in include or identity:
        ids.append("police_report")
    ids.append("phishing")
    return ids


def _steps(facts: IncidentFacts, include: set[str], tone: str = "plain") -> tuple[Step, ...]:
    """The fitted actions, worded for the tone."""
    text = STEP_TEXT[tone]
    return tuple(Step(i, *text[i]) for i in _step_ids(facts, include))


def _consequences(facts: IncidentFacts) -> tuple[str, ...]:
    out: list[str] = []
    if facts.has(*IDENTITY_THEFT_TYPES):
        out.append("someone could try to open credit or file a tax return in your name")
    if facts.has(*FINANCIAL_TYPES):
        out.append("someone could try to make charges or payments with your account")
    if facts.has(*CREDENTIAL_TYPES):
        out.append("someone could try to log in to your accounts")
    if facts.has(*HEALTH_TYPES):
        out.append("someone could try to get medical care or file claims in your name")
    if facts.has(DataType.email, DataType.phone, DataType.name, DataType.address):
        out.append("you may get scam emails, texts or calls that use your details to seem real")
    return tuple(out)


GENERIC_REMEDIATION = (
    "We secured the affected systems and information.",
    "We are reviewing our security measures to prevent this from happening again.",
)


def _remediation(facts: IncidentFacts, exclude: set[str]) -> tuple[str, ...]:
    """Remediation as given, or a generic statement where the nature of the breach may not be told (MA).

    Responders' remediation steps usually name the attack ("we removed the malicious code"), which
    would reveal the nature of the breach in a letter that must not describe it.
    """
    if "what_happened" in exclude:
        return GENERIC_REMEDIATION
    return tuple(facts.remediation) or (missing("remediation"),)


def _dpo(facts: IncidentFacts, include: set[str]) -> Contact | None:
    """The DPO contact; where the law requires one and the facts lack it, a visible gap."""
    dpo = facts.contacts.dpo
    if dpo:
        return Contact(name=dpo.name, address=dpo.address or "", email=dpo.email or "")
    if "dpo_contact" in include:
        return Contact(name=missing("contacts.dpo.name"), email=missing("contacts.dpo.email"))
    return None


def build_context(
    facts: IncidentFacts, rulebook: Rulebook, *, jurisdiction: str | None = None, jurisdictions: list[str] | None = None, tone: str
) -> LetterContext:
    """Turn facts into the template contract for one variant and tone.

    `jurisdiction` names one law; `jurisdictions` a variant's laws (app.domain.variants): the letter
    carries the union of their requirements and leaves out what any forbids, unless another of the
    variant's own laws requires it (the variant reports that conflict).
    """
    if tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}; use one of {', '.join(TONES)}")
    codes = list(jurisdictions or ([jurisdiction] if jurisdiction else []))
    if not codes:
        raise ValueError("build_context needs `jurisdiction` or `jurisdictions`")
    group = [rulebook.jurisdiction(code) for code in codes]
    required = set().union(*(required_elements(r, facts) for r in group))
    exclude = set().union(*(set(r.prohibits) for r in group)) - (required if len(group) > 1 else set())
    include = (set(BASELINE) | required) - exclude
    us = any(code.startswith("US") for code in codes)
    if facts.services.credit_monitoring:
        include.add("credit_monitoring_offer")
    if us and facts.has(*IDENTITY_THEFT_TYPES):
        # Identity-theft data: the FTC model letter's freeze, fraud-alert and bureau contacts fit everyone.
        include |= {"cra_contacts", "ftc_contact", "credit_freeze_info", "fraud_alert_info", "credit_freeze_free"}
    if us and "credit_freeze_info" in include:
        include.add("cra_contacts")  # the freeze step points at the bureaus' contacts
    if not all(code.startswith("US") for code in codes):
        include.add("likely_consequences")
    include -= exclude
    inc = facts.incident
    org = facts.organisation
    c = facts.contacts
    cm = facts.services.credit_monitoring
    if inc.breach_start and inc.breach_end and inc.breach_end != inc.breach_start:
        breach_dates = f"between {fmt_date(inc.breach_start, '')} and {fmt_date(inc.breach_end, '')}"
    else:
        breach_dates = "on " + fmt_date(inc.breach_start, "incident.breach_start")
    ordered = sorted(facts.data_types, key=_ORDER.index)
    labels = [LABELS[t] if t is not DataType.other else (facts.data_types_other or LABELS[t]) for t in ordered]
    # The number the responder gave as toll-free is printed as given (a non-US freephone number too);
    # otherwise the other phone number when it is a toll-free one.
    toll_free = c.toll_free.number if c.toll_free else (c.phone if c.phone and is_toll_free(c.phone) else None)
    toll = toll_free or missing("contacts.toll_free.number")
    # Every agency the variant's laws name (a rule file sets `agency` only where its letters must print it).
    agencies = tuple(_contact(r.agency) for r in group if r.agency)
    directory = rulebook.agencies
    cras = tuple(_contact(directory[k]) for k in ("equifax", "experian", "transunion") if k in directory)
    ftc = _contact(directory["ftc"]) if "ftc" in directory else Contact(name="Federal Trade Commission")
    monitoring = None
    if cm:
        monitoring = Monitoring(
            provider=cm.provider, months=cm.months, url=str(cm.enrollment_url), code=cm.enrollment_code or merge_field("activation_code"),
            enroll_by=fmt_date(cm.enroll_by, "services.credit_monitoring.enroll_by"), phone=cm.phone or "",
        )
    total = facts.total_affected
    return LetterContext(
        tone=tone, jurisdiction="+".join(codes), jurisdiction_name=join_words([r.name for r in group]),
        include=frozenset(include), exclude=frozenset(exclude),
        ca_format="headings_ca" in include or "title_notice_of_data_breach" in include,
        title="Notice of Data Breach" if "title_notice_of_data_breach" in include else f"Notice of a data breach at {org.name}",
        notice_date=fmt_date(facts.notice_date, "notice_date"),
        org_name=org.name, org_address=org.address.one_line() if org.address else "",
        parent_company=org.parent_company or "", recipient_name=merge_field("name"),
        summary=inc.summary or missing("incident.summary"),
        cause=_CAUSE_WORDS.get(inc.cause.value, "") if inc.cause else "",
        breach_dates=breach_dates, discovery_date=fmt_date(inc.discovery_date, "incident.discovery_date"),
        containment_date=fmt_date(inc.containment_date, "incident.containment_date") if inc.containment_date else "",
        law_enforcement_delay=inc.law_enforcement_delay, third_parties=inc.third_parties or "",
        data_types=tuple(labels) or (missing("data_types"),), data_types_text=join_words(labels) or missing("data_types"),
        affected_count=f"{total:,} people" if total else missing("affected"),
        remediation=_remediation(facts, exclude),
        steps=_steps(facts, include, tone), consequences=_consequences(facts), monitoring=monitoring,
        other_services=tuple(facts.services.other), toll_free=toll,
        phone_hours=c.toll_free.hours or "" if c.toll_free else "",
        email=c.email or "", website=str(c.website) if c.website else "",
        postal_address=c.postal_address.one_line() if c.postal_address else (org.address.one_line() if org.address else ""),
        dpo=_dpo(facts, include),
        cras=cras, ftc=ftc, agencies=agencies,
        signatory_name=facts.signatory.name if facts.signatory else missing("signatory.name"),
        signatory_title=facts.signatory.title if facts.signatory else missing("signatory.title"),
        unverified=any(r.is_unverified for r in group),
    )


def residence_label(code: str) -> str:
    """Re-exported for templates' callers that label recipients by residence."""
    return residence_name(code)
