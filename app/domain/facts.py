"""IncidentFacts: everything a responder knows about a breach, validated field by field.

Responders draft early, so most facts are optional: a missing fact renders in the letter as a
visible `[[missing: field]]` marker and is reported by the facts check, never as blank text.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)

from app.domain.datatypes import (  # EntityType: pydantic-free, for compiled rules
    DataType,
    EntityType,
)
from app.domain.localisation import Translations
from app.domain.regions import RESIDENCE_CODES, US_STATES

_PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ().\-]{6,20}[0-9]$")  # "(888) 555-0193" too
TOLL_FREE_PREFIXES = ("800", "833", "844", "855", "866", "877", "888")


def _check_phone(value: str) -> str:
    value = value.strip()
    if not _PHONE_RE.match(value):
        raise ValueError(
            "phone number must be digits with optional +, spaces, dots, dashes or brackets, e.g. 1-800-555-0199"
        )
    digits = re.sub(r"\D", "", value)
    if not 7 <= len(digits) <= 15:
        raise ValueError("phone number must have 7 to 15 digits")
    return value


def _check_residence(value: str) -> str:
    value = value.strip()
    if value not in RESIDENCE_CODES:
        state = f"US-{value.upper()}"
        if state in US_STATES:
            raise ValueError(
                f"unknown residence code {value!r}: US states are written {state} ({US_STATES[state]})"
            )
        raise ValueError(
            f"unknown residence code {value!r}: use US-XX for US states (e.g. US-CA) or a country code (e.g. DE, GB, CA-QC)"
        )
    return value


def parse_moment(value: object) -> date | datetime | object:
    """An ISO 8601 date, or a date-time with a UTC offset; other values are left for pydantic to reject.

    A clock that runs in hours (GDPR's 72) needs the moment, a clock in days only the day; a
    date-time without an offset is refused because the same wall-clock time is a different moment
    in every time zone.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and "T" in value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 date (2026-09-15) or date-time (2026-09-15T00:30:00+00:00)"
            ) from None
    else:
        return value
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{value!s}: a date-time needs a UTC offset, e.g. 2026-09-15T00:30:00+00:00 (or give the date alone)"
        )
    return moment


Phone = Annotated[str, AfterValidator(_check_phone)]
ResidenceCode = Annotated[str, AfterValidator(_check_residence)]


def is_toll_free(number: str) -> bool:
    """True for North American toll-free numbers (800, 833, 844, 855, 866, 877, 888)."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("1") and len(digits) == 11:
        digits = digits[1:]
    return len(digits) == 10 and digits[:3] in TOLL_FREE_PREFIXES


# More people than live on Earth is a typo, not a breach (and would overflow letter arithmetic).
MAX_AFFECTED = 10_000_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CauseCategory(StrEnum):
    """How the breach happened, in categories regulators' forms use."""

    ransomware = "ransomware"
    phishing = "phishing"
    hacking = "hacking"
    malware = "malware"
    misconfiguration = "misconfiguration"
    credential_stuffing = "credential_stuffing"
    lost_device = "lost_device"
    stolen_device = "stolen_device"
    misdirected_communication = "misdirected_communication"
    insider = "insider"
    vendor = "vendor"
    physical = "physical"
    other = "other"


class PostalAddress(_Strict):
    """A postal address as it should be printed."""

    street: str = Field(min_length=1, description="Street and number, or P.O. Box.")
    city: str = Field(min_length=1)
    region: str | None = Field(None, description="State, province or county.")
    postal_code: str | None = None
    country: str = Field("US", description="ISO country code.")

    def one_line(self) -> str:
        """The address on one line, as used in letters."""
        parts = [self.street, self.city]
        tail = " ".join(p for p in (self.region, self.postal_code) if p)
        if tail:
            parts.append(tail)
        if self.country and self.country != "US":
            parts.append(self.country)
        return ", ".join(parts)


class Organisation(_Strict):
    """The organisation giving notice."""

    name: str = Field(
        min_length=1, max_length=200, description="Name recipients know the organisation by."
    )
    parent_company: str | None = Field(
        None, description="Parent or affiliate that owns the organisation, if any (MA)."
    )
    address: PostalAddress | None = Field(None, description="Postal address printed on the letter.")
    website: HttpUrl | None = Field(None, description="Organisation's main website.")
    entity_types: list[EntityType] = Field(
        default_factory=lambda: [EntityType.business],
        description="HIPAA covered entity, financial institution, PHR vendor...; decides federal rules.",
    )
    source_of_breach: bool = Field(
        True, description="The breach happened at this organisation (CA monitoring duty)."
    )
    ba_notifies_individuals: bool = Field(
        False,
        description="HIPAA business associate whose agreement with the covered entity delegates the letters to "
        "individuals to it (45 CFR 164.404 duties); otherwise a business associate only notifies the covered entity (164.410).",
    )


class Incident(_Strict):
    """What happened and when."""

    summary: str | None = Field(
        None,
        max_length=2000,
        description="Plain-language description of what happened, one or two sentences.",
    )
    cause: CauseCategory | None = Field(None, description="Cause category.")
    breach_start: date | None = Field(
        None, description="First day of unauthorised access (or the single breach date)."
    )
    breach_end: date | None = Field(
        None, description="Last day of unauthorised access, if a range."
    )
    discovery_date: date | None = Field(
        None,
        description="Day the organisation discovered the breach. Also accepts an ISO 8601 date-time with offset "
        "(2026-09-15T00:30:00+00:00): the day is then the date in that offset and the moment goes to `discovery_at`.",
    )
    discovery_at: datetime | None = Field(
        None,
        description="Moment of discovery with UTC offset, when known; hour-based clocks (GDPR 72 hours) run from it.",
    )
    no_harm_determination_date: date | None = Field(
        None,
        description="Day the organisation documented in writing, after investigation, that the breach is not reasonably "
        "likely to cause harm. States with a risk-of-harm exception then need no letters, but some still want the "
        "determination (Florida: to the Department of Legal Affairs within 30 days).",
    )
    hhs_notice_date: date | None = Field(
        None,
        description="Day the HIPAA breach report was submitted to HHS (starts New York's 5-business-day clock).",
    )
    containment_date: date | None = Field(None, description="Day the breach was contained.")
    law_enforcement_delay: bool = Field(
        False, description="Notice was delayed at law enforcement's request."
    )
    data_encrypted: bool = Field(False, description="The exposed data was encrypted.")
    key_compromised: bool = Field(
        False, description="The encryption key was also taken (voids the encryption safe harbour)."
    )
    third_parties: str | None = Field(
        None, description="Who acquired the data, if known (FTC HBNR)."
    )
    misuse_known: bool = Field(False, description="Evidence that the data has been misused.")

    @model_validator(mode="before")
    @classmethod
    def _split_discovery_moment(cls, data: object) -> object:
        """`discovery_date` given as a date-time: keep the moment in `discovery_at`, the day in `discovery_date`."""
        if isinstance(data, dict):
            raw = data.get("discovery_date")
            try:
                moment = parse_moment(raw)
            except ValueError:  # reported on the field by _day_or_moment
                return data
            if isinstance(moment, datetime):
                data = {**data, "discovery_date": moment.date()}
                data.setdefault("discovery_at", moment)
        return data

    @field_validator("discovery_date", mode="before")
    @classmethod
    def _day_or_moment(cls, value: object) -> object:
        return parse_moment(value)

    @field_validator("discovery_at", mode="before")
    @classmethod
    def _aware_moment(cls, value: object) -> object:
        if isinstance(value, str) and "T" not in value:
            raise ValueError(
                f"{value!r}: give a date-time with offset, e.g. 2026-09-15T00:30:00+00:00"
            )
        return parse_moment(value)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Incident:
        if self.discovery_at and self.discovery_date is None:
            self.discovery_date = self.discovery_at.date()
        if self.discovery_at and self.discovery_date != self.discovery_at.date():
            raise ValueError(
                "discovery_at: its date must be incident.discovery_date (in the offset given)"
            )
        if self.breach_start and self.breach_end and self.breach_end < self.breach_start:
            raise ValueError("breach_end: must be on or after breach_start")
        if self.breach_start and self.discovery_date and self.discovery_date < self.breach_start:
            raise ValueError(
                "discovery_date: cannot be before breach_start (the breach must start before it is discovered)"
            )
        if (
            self.discovery_date
            and self.containment_date
            and self.containment_date < self.breach_start_or(self.discovery_date)
        ):
            raise ValueError("containment_date: cannot be before the breach started")
        return self

    def breach_start_or(self, default: date) -> date:
        """Breach start, or `default` when unknown."""
        return self.breach_start or default


class CreditMonitoring(_Strict):
    """A free credit-monitoring or identity-protection service offered to recipients."""

    provider: str = Field(
        min_length=1, description="Service provider's name, e.g. Experian IdentityWorks."
    )
    months: int = Field(ge=1, le=120, description="Length of the free service in months.")
    enrollment_url: HttpUrl = Field(description="Where to enroll.")
    enrollment_code: str | None = Field(
        None,
        max_length=64,
        description="Activation code (per recipient in mail merge; a placeholder here).",
    )
    enroll_by: date | None = Field(None, description="Last day to enroll.")
    phone: Phone | None = Field(None, description="Provider's phone number for enrollment help.")


class Services(_Strict):
    """What the organisation offers to affected people."""

    credit_monitoring: CreditMonitoring | None = None
    other: list[str] = Field(default_factory=list, description="Other services, one sentence each.")


class TollFree(_Strict):
    """The call centre number."""

    number: Phone
    hours: str | None = Field(
        None,
        max_length=120,
        description="Opening hours with time zone, e.g. 'Monday to Friday, 8 a.m. to 8 p.m. Eastern'.",
    )


class Dpo(_Strict):
    """Data protection officer or other GDPR contact point."""

    name: str = Field(min_length=1)
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    address: str | None = None
    serves_us_residents: bool = Field(
        False,
        description="The DPO also answers questions from US residents: US letters then name them "
        "too (otherwise only letters outside the US do, where the law expects a DPO).",
    )


class Contacts(_Strict):
    """How recipients reach the organisation."""

    toll_free: TollFree | None = None
    phone: Phone | None = Field(
        None,
        description="Other (non-toll-free) phone number, e.g. an international one: letters outside "
        "the US print it (with `phone_hours`) before the US toll-free number.",
    )
    phone_hours: str | None = Field(
        None,
        max_length=120,
        description="Opening hours of `phone` in its callers' local time, e.g. 'Monday to Friday, "
        "9:00 to 17:00 Irish time'.",
    )
    email: str | None = Field(
        None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Email address for questions."
    )
    website: HttpUrl | None = Field(None, description="Incident information page.")
    postal_address: PostalAddress | None = None
    dpo: Dpo | None = Field(None, description="DPO contact, required for GDPR letters.")


class Signatory(_Strict):
    """Who signs the letter."""

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)


class IncidentFacts(_Strict):
    """All facts about one incident. Field paths in errors use these names."""

    organisation: Organisation
    incident: Incident = Field(default_factory=Incident)
    data_types: list[DataType] = Field(
        default_factory=list, description="Exposed data types, from the controlled vocabulary."
    )
    data_types_other: str | None = Field(
        None, description="Describe `other` data types in plain words."
    )
    affected: dict[ResidenceCode, Annotated[int, Field(ge=0, le=MAX_AFFECTED)]] = Field(
        default_factory=dict,
        description="Number of affected people per residence (US-CA, US-MA, DE, GB, ...).",
    )
    remediation: list[str] = Field(
        default_factory=list, description="What the organisation did and is doing, one step each."
    )
    services: Services = Field(default_factory=Services)
    contacts: Contacts = Field(default_factory=Contacts)
    signatory: Signatory | None = None
    notice_date: date | None = Field(None, description="Date printed on the letter.")
    language: str = Field(
        "en",
        pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
        description="Recipients' language where `recipient_languages` names none (en or es have templates).",
    )
    recipient_languages: dict[ResidenceCode, Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(
        default_factory=dict,
        description='Language the recipients of a residence read, e.g. {"US-PR": "es", "MX": "es"}: '
        "their letters are drafted in it (en, es); another language is flagged as needing translation.",
    )
    translations: Translations = Field(
        default_factory=Translations,
        description="The free-text facts (summary, remediation, hours...) in another language, for letters in it.",
    )

    @model_validator(mode="after")
    def _cross_field(self) -> IncidentFacts:
        cm = self.services.credit_monitoring
        if cm and cm.enroll_by and self.notice_date and cm.enroll_by <= self.notice_date:
            raise ValueError(
                "services.credit_monitoring.enroll_by: must be after notice_date, or nobody can enroll"
            )
        if (
            self.notice_date
            and self.incident.discovery_date
            and self.notice_date < self.incident.discovery_date
        ):
            raise ValueError("notice_date: cannot be before incident.discovery_date")
        if DataType.other in self.data_types and not self.data_types_other:
            raise ValueError("data_types_other: describe the 'other' data type in plain words")
        return self

    @property
    def total_affected(self) -> int:
        """Sum of affected people over all residences."""
        return sum(self.affected.values())

    def has(self, *types: DataType) -> bool:
        """True if any of `types` was exposed."""
        return not set(types).isdisjoint(self.data_types)
