"""Schema of one jurisdiction's rule file (`kind: legal_elements`): content, applicability, deadlines.

One file per jurisdiction under rules/legal/. The same file feeds the letter variants, the legal
check and the obligations calculator, so the three never disagree. Provenance (`title`, `source`,
`reviewed`) and the research's UNVERIFIED marks travel with the data to the UI.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from app.domain.datatypes import DataType
from app.domain.facts import EntityType
from app.rulebook.behaviour import (  # noqa: F401 - PRIMARY_KINDS re-exported
    PRIMARY_KINDS,
    LegalRuleBehaviour,
    SourceBehaviour,
)
from app.rulebook.common import Severity, StrictModel

Obligation = Literal["individuals", "regulator", "cra", "media", "covered_entity"]


class Condition(StrictModel):
    """An element required only when the facts say so (e.g. monitoring when SSNs were exposed)."""

    element: str
    when_data_types: list[DataType] = Field(
        default_factory=list, description="Any of these exposed triggers it."
    )
    when_entity_types: list[EntityType] = Field(
        default_factory=list, description="Any of these entity types triggers it."
    )
    when_offered: bool = Field(
        False, description="Triggered when the organisation offers credit monitoring."
    )
    when_known: str | None = Field(
        None, description="Facts field path that must be known, e.g. incident.breach_start."
    )
    require_entity_types: list[EntityType] = Field(
        default_factory=list,
        description="Applies only when the organisation is one of these (MA: 42 months for a consumer reporting agency).",
    )
    unless_entity_types: list[EntityType] = Field(
        default_factory=list, description="Does not apply when the organisation is one of these."
    )
    min_months: int | None = Field(
        None, ge=1, description="Minimum months of free monitoring the letter must offer."
    )
    note: str = ""
    unverified: bool = False


class Deadline(StrictModel):
    """One notice obligation: to whom, by when, above what threshold."""

    obligation: Obligation
    recipient: str = Field(min_length=1, description="Who must be told (e.g. 'Attorney General').")
    days: int | None = Field(
        None, ge=0, description="Days allowed; null when the law gives no number."
    )
    hours: int | None = Field(
        None, ge=0, description="Hours allowed (GDPR supervisory authority: 72)."
    )
    business_days: bool = False
    start: Literal[
        "discovery",
        "determination",
        "consumer_notice",
        "before_consumer_notice",
        "with_consumer_notice",
        "year_end",
        "hhs_notice",
        "no_harm_determination",
    ] = Field(
        "discovery",
        description="What the clock runs from; `year_end`: end of the calendar year of discovery; `hhs_notice`: the HIPAA "
        "report to HHS (facts `incident.hhs_notice_date`, else the latest day HHS may be told); `no_harm_determination`: "
        "facts `incident.no_harm_determination_date`.",
    )
    when: Literal["default", "no_harm_determined", "hipaa_deemed", "not_hipaa_deemed"] = Field(
        "default",
        description="`default`: due unless a recorded no-harm determination lifts this law's duties; `no_harm_determined`: "
        "due only when one is recorded (FL: send it to the Department of Legal Affairs); `hipaa_deemed` / "
        "`not_hipaa_deemed`: due only when this state's HIPAA-compliance clause does / does not apply.",
    )
    only_entity_types: list[EntityType] = Field(
        default_factory=list,
        description="Due only when the organisation is one of these (HHS and media: covered entities).",
    )
    calendar: str | None = Field(
        None,
        description="Whose public holidays business days skip (US-NY, BR); default: the jurisdiction's own.",
    )
    text: str = Field(
        min_length=1,
        description="The deadline in words ('without unreasonable delay, no later than 30 days').",
    )
    threshold: int | None = Field(
        None, ge=0, description="Applies only when affected residents reach this number."
    )
    threshold_op: Literal[">", ">=", "<"] = Field(
        ">=", description="`<` for duties below a size (HIPAA annual log)."
    )
    threshold_scope: Literal["jurisdiction", "total", "per_residence"] = Field(
        "jurisdiction",
        description="What the threshold counts: this jurisdiction's residents, everyone affected, or each residence separately (HIPAA media).",
    )
    citation: str = ""
    unverified: bool = False


class HipaaDeemed(StrictModel):
    """A state clause deeming a HIPAA entity that notifies under HITECH compliant with the state's notice duty."""

    citation: str = Field(min_length=1)
    note: str = Field(
        min_length=1, description="What the state still requires of HIPAA entities, in words."
    )


class Source(SourceBehaviour, StrictModel):
    """One source read to verify a rule file: what it is, where, when it was read and what it supports."""

    title: str = Field(min_length=1)
    url: str | None = Field(None, description="Address of the page read.")
    citation: str | None = Field(
        None, description="Citation when there is no URL (statute section, register page)."
    )
    kind: Literal["statute", "regulation", "regulator", "secondary"] = Field(
        description="statute / regulation / regulator page (primary), or secondary (law-firm chart, commentary)."
    )
    read: date
    supports: str = Field(min_length=1, description="Which parts of the file this source supports.")

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not (self.url or self.citation):
            raise ValueError("a source needs a url or a citation")
        return self


class Applicability(StrictModel):
    """When this jurisdiction's notice law applies to an incident."""

    basis: Literal["residence", "entity"] = Field(
        "residence",
        description="`residence`: protects residents of `residence`; `entity`: applies by entity type.",
    )
    residence: list[str] = Field(
        default_factory=list, description="Residence codes protected (US-CA, DE, ...)."
    )
    entity_types: list[EntityType] = Field(
        default_factory=list, description="For basis=entity: entity types covered."
    )
    personal_information: list[DataType] = Field(
        default_factory=list,
        description="Data types that, with a name, are personal information here.",
    )
    standalone: list[DataType] = Field(
        default_factory=list,
        description="Data types that count even without a name (e.g. username+password).",
    )
    needs_code: list[DataType] = Field(
        default_factory=list,
        description="Data types that count only together with a security or access code or password "
        "(account_security_code or username_password): 'card number, in combination with any required security code'.",
    )
    entity_requires: dict[EntityType, str] = Field(
        default_factory=dict,
        description="For basis=entity: an entity type counts only when this facts path is true "
        "(a HIPAA business associate sends letters only when its agreement delegates them).",
    )
    hipaa_deemed: HipaaDeemed | None = Field(
        None,
        description="The state deems a HIPAA entity that notifies under HITECH compliant: no state letter on the state clock.",
    )
    exclude_entity_types: list[EntityType] = Field(
        default_factory=list,
        description="Entity types the law does not cover (FTC HBNR excludes HIPAA entities).",
    )
    any_data: bool = Field(False, description="Any personal data counts (GDPR-style definitions).")
    encryption: Literal["exempt", "exempt_unless_key", "none"] = Field(
        "exempt_unless_key",
        description="`exempt`: encrypted data exempt, no express key clause (a taken key is treated as voiding it); "
        "`exempt_unless_key`: exempt unless the key was taken; `none`: no safe harbour.",
    )
    encryption_scope: Literal["all", "individuals"] = Field(
        "all",
        description="`individuals`: the safe harbour spares only the letters, not the regulator notice (GDPR Art. 34(3)(a)).",
    )
    risk_of_harm: bool = Field(
        False, description="Notice may be avoided after a documented no-harm determination."
    )
    note: str = ""


class Agency(StrictModel):
    """A regulator's contact details, printed in letters that must list them."""

    name: str
    phone: str | None = None
    address: str | None = None
    website: str | None = None
    other_websites: list[str] = Field(
        default_factory=list,
        description="The agency's other sites that letters cite (a parent domain beside `website`):"
        " the facts check knows them and their subdomains; letters print only `website`.",
    )


class LegalRule(LegalRuleBehaviour, StrictModel):
    """One jurisdiction's notice law as data."""

    kind: Literal["legal_elements"]
    jurisdiction: str = Field(
        pattern=r"^[A-Z]{2}(-[A-Z0-9]+)+$",
        description="Jurisdiction code: US-CA, US-HIPAA, EU-GDPR.",
    )
    name: str = Field(min_length=1)
    title: str = Field(min_length=1, description="Statute or regulation title and section.")
    source: str = Field(min_length=1, description="URL or reference the content was taken from.")
    reviewed: date
    unverified: list[str] = Field(
        default_factory=list, description="What the research marks UNVERIFIED, one line each."
    )
    level: Severity = Severity.error
    message: str = ""
    description: str = ""
    requires: list[str] = Field(default_factory=list)
    prohibits: list[str] = Field(default_factory=list)
    recommended: list[str] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    applicability: Applicability = Field(default_factory=Applicability)
    deadlines: list[Deadline] = Field(default_factory=list)
    status: Literal["verified", "unverified"] = Field(
        "unverified",
        description="`verified`: checked against the `sources:` listed (two publishers, one primary); `unverified`: "
        "`unverified:` says what is missing.",
    )
    agency: Agency | None = Field(
        None,
        description="State AG / regulator contact printed in every letter variant containing this jurisdiction.",
    )
    letter: bool = Field(
        True, description="False when the law sets deadlines but no letter content of its own."
    )
    sources: list[Source] = Field(
        default_factory=list,
        description="What was read to verify this file; `status: verified` needs two independent ones, one primary.",
    )

    @model_validator(mode="after")
    def _no_contradiction(self) -> LegalRule:
        both = set(self.requires) & set(self.prohibits)
        if both:
            raise ValueError(f"prohibits: {sorted(both)} are also in requires")
        return self

    @model_validator(mode="after")
    def _verified_needs_sources(self) -> LegalRule:
        if self.status != "verified":
            return self
        publishers = {s.publisher for s in self.sources}
        if len(publishers) < 2 or not any(s.primary for s in self.sources):
            raise ValueError(
                "status: verified needs at least two independent sources (different publishers) in `sources:`, "
                "one of them primary (statute, regulation or regulator page); otherwise set status: unverified"
            )
        return self
