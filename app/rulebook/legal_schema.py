"""Schema of one jurisdiction's rule file (`kind: legal_elements`): content, applicability, deadlines.

One file per jurisdiction under rules/legal/. The same file feeds the letter variants, the legal
check and the obligations calculator, so the three never disagree. Provenance (`title`, `source`,
`reviewed`) and the research's UNVERIFIED marks travel with the data to the UI.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from app.checks.base import Severity
from app.domain.datatypes import DataType
from app.domain.facts import EntityType
from app.rulebook.common import StrictModel

Obligation = Literal["individuals", "regulator", "cra", "media"]


class Condition(StrictModel):
    """An element required only when the facts say so (e.g. monitoring when SSNs were exposed)."""

    element: str
    when_data_types: list[DataType] = Field(default_factory=list, description="Any of these exposed triggers it.")
    when_entity_types: list[EntityType] = Field(default_factory=list, description="Any of these entity types triggers it.")
    when_offered: bool = Field(False, description="Triggered when the organisation offers credit monitoring.")
    when_known: str | None = Field(None, description="Facts field path that must be known, e.g. incident.breach_start.")
    min_months: int | None = Field(None, ge=1, description="Minimum months of free monitoring the letter must offer.")
    note: str = ""
    unverified: bool = False


class Deadline(StrictModel):
    """One notice obligation: to whom, by when, above what threshold."""

    obligation: Obligation
    recipient: str = Field(min_length=1, description="Who must be told (e.g. 'Attorney General').")
    days: int | None = Field(None, ge=0, description="Days allowed; null when the law gives no number.")
    hours: int | None = Field(None, ge=0, description="Hours allowed (GDPR supervisory authority: 72).")
    business_days: bool = False
    start: Literal[
        "discovery", "determination", "consumer_notice", "before_consumer_notice", "with_consumer_notice", "year_end"
    ] = Field("discovery", description="What the clock runs from; `year_end`: end of the calendar year of discovery.")
    text: str = Field(min_length=1, description="The deadline in words ('without unreasonable delay, no later than 30 days').")
    threshold: int | None = Field(None, ge=0, description="Applies only when affected residents reach this number.")
    threshold_op: Literal[">", ">=", "<"] = Field(">=", description="`<` for duties below a size (HIPAA annual log).")
    threshold_scope: Literal["jurisdiction", "total", "per_residence"] = Field(
        "jurisdiction",
        description="What the threshold counts: this jurisdiction's residents, everyone affected, or each residence separately (HIPAA media).",
    )
    citation: str = ""
    unverified: bool = False


class Applicability(StrictModel):
    """When this jurisdiction's notice law applies to an incident."""

    basis: Literal["residence", "entity"] = Field(
        "residence", description="`residence`: protects residents of `residence`; `entity`: applies by entity type."
    )
    residence: list[str] = Field(default_factory=list, description="Residence codes protected (US-CA, DE, ...).")
    entity_types: list[EntityType] = Field(default_factory=list, description="For basis=entity: entity types covered.")
    personal_information: list[DataType] = Field(
        default_factory=list, description="Data types that, with a name, are personal information here."
    )
    standalone: list[DataType] = Field(
        default_factory=list, description="Data types that count even without a name (e.g. username+password)."
    )
    exclude_entity_types: list[EntityType] = Field(
        default_factory=list, description="Entity types the law does not cover (FTC HBNR excludes HIPAA entities)."
    )
    any_data: bool = Field(False, description="Any personal data counts (GDPR-style definitions).")
    encryption: Literal["exempt", "exempt_unless_key", "none"] = Field(
        "exempt_unless_key",
        description="`exempt`: encrypted data exempt, no express key clause (a taken key is treated as voiding it); "
        "`exempt_unless_key`: exempt unless the key was taken; `none`: no safe harbour.",
    )
    encryption_scope: Literal["all", "individuals"] = Field(
        "all", description="`individuals`: the safe harbour spares only the letters, not the regulator notice (GDPR Art. 34(3)(a))."
    )
    risk_of_harm: bool = Field(False, description="Notice may be avoided after a documented no-harm determination.")
    note: str = ""


class Agency(StrictModel):
    """A regulator's contact details, printed in letters that must list them."""

    name: str
    phone: str | None = None
    address: str | None = None
    website: str | None = None


class LegalRule(StrictModel):
    """One jurisdiction's notice law as data."""

    kind: Literal["legal_elements"]
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)+$", description="Jurisdiction code: US-CA, US-HIPAA, EU-GDPR.")
    name: str = Field(min_length=1)
    title: str = Field(min_length=1, description="Statute or regulation title and section.")
    source: str = Field(min_length=1, description="URL or reference the content was taken from.")
    reviewed: date
    unverified: list[str] = Field(default_factory=list, description="What the research marks UNVERIFIED, one line each.")
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
        "unverified", description="Research confidence of the deadline/regulator data (reference Part H 'Conf.' column)."
    )
    agency: Agency | None = Field(None, description="State AG / regulator contact printed in every letter variant containing this jurisdiction.")
    letter: bool = Field(True, description="False when the law sets deadlines but no letter content of its own.")

    @model_validator(mode="after")
    def _no_contradiction(self) -> LegalRule:
        both = set(self.requires) & set(self.prohibits)
        if both:
            raise ValueError(f"prohibits: {sorted(both)} are also in requires")
        return self

    @property
    def is_unverified(self) -> bool:
        """True when any part of the file rests on unverified research."""
        return bool(self.unverified)

    @property
    def has_content_rules(self) -> bool:
        """True when the law itself lists letter content (else the US-GENERIC baseline drafts the letter)."""
        return bool(self.requires or self.prohibits or self.conditions)

    def element_ids(self) -> set[str]:
        """Every element id the file names (for cross-checking against the vocabulary)."""
        return set(self.requires) | set(self.prohibits) | set(self.recommended) | {c.element for c in self.conditions}
