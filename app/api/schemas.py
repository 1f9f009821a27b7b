"""Request and response models of the stored-workflow API (suffixes as in the FastAPI template:
*Create for bodies, *Public for responses).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.api.base import Channel, Language, RequestModel, Role, Tone
from app.api.merge_schemas import MergeInfo
from app.checks.base import Report
from app.core.timestamps import Timestamp
from app.domain.facts import IncidentFacts
from app.store.enums import DraftState, ReviewDecision
from app.workflow.drafts import DraftDetail
from app.workflow.states import released

Id = Field(ge=1, le=2**31 - 1)


class UserPublic(BaseModel):
    """A user (never the password hash)."""

    id: int
    email: str
    role: str
    active: bool
    created_at: Timestamp


class UserCreate(RequestModel):
    """A new user; leave `password` out to get a one-time password in the response."""

    email: str = Field(min_length=3, max_length=254)
    role: Role
    password: str | None = Field(None, min_length=12, max_length=200)


class UserCreated(BaseModel):
    """The new user and, when generated, the one-time password (shown once)."""

    user: UserPublic
    one_time_password: str | None = None


class UserUpdate(RequestModel):
    """Activate or deactivate a user."""

    active: bool


class LoginCreate(RequestModel):
    """E-mail and password for a browser session."""

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class LoginPublic(BaseModel):
    """The signed-in user and the CSRF token to send as X-CSRF-Token on unsafe requests."""

    user: UserPublic
    csrf_token: str


class TokenCreate(RequestModel):
    """A label for a new API token and, optionally, a lifetime shorter than the configured one."""

    name: str = Field("", max_length=100)
    expires_in_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="Days until the token expires; at most CANDOR_TOKEN_LIFETIME_DAYS (the default).",
    )


class TokenPublic(BaseModel):
    """An API token's metadata (the secret is never shown again)."""

    id: int
    prefix: str
    name: str
    created_at: Timestamp
    revoked_at: Timestamp | None = None
    expires_at: Timestamp | None = Field(
        None, description="When the token stops working (ISO 8601)."
    )


class TokenCreated(TokenPublic):
    """A new token with its secret, shown once."""

    token: str


class IncidentCreate(RequestModel):
    """Facts of a new incident; drafts are made for every variant the affected people need × each tone."""

    facts: IncidentFacts
    title: str | None = Field(None, max_length=200)
    tones: list[Tone] = Field(default_factory=lambda: ["plain"], max_length=3)


class IncidentPublic(BaseModel):
    """An incident; its facts are in facts versions."""

    id: int
    title: str
    facts_version: int
    created_by: int
    created_at: Timestamp


class FactsVersionPublic(BaseModel):
    """One version of an incident's facts."""

    number: int
    facts: dict[str, Any]
    created_by: int
    created_at: Timestamp


class FactsUpdate(RequestModel):
    """New facts, with the facts version you edited (409 when it is no longer current)."""

    facts: IncidentFacts
    base_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Facts version you edited (or send If-Match)."
    )


class DraftCreate(RequestModel):
    """One more draft for an incident."""

    jurisdiction: str = Field(
        min_length=2,
        max_length=300,
        description="Jurisdiction code, or a variant's codes joined by +. For a regulator notice: "
        "the one law whose regulator obligation it answers.",
    )
    tone: Tone = "plain"
    channel: Channel = Field(
        "letter", description="letter, email, website, faq, regulator or press."
    )
    language: Language = Field("en", description="en or es.")


class VersionCreate(RequestModel):
    """New text for a draft; give the version you edited here or in If-Match."""

    text: str = Field(min_length=1)
    base_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Version you edited (or send If-Match)."
    )


class WaiverCreate(RequestModel):
    """Waive one finding (by its `id` in the report) with a reason."""

    finding_id: str = Field(min_length=1, max_length=80)
    reason: str = Field(min_length=3, max_length=2000)


class ReviewCreate(RequestModel):
    """An approval or sign-off with an optional comment."""

    comment: str = Field("", max_length=2000)
    acknowledged: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="Approvals: ids of the open warnings on legal elements and readability above the tone's target "
        "that you read and accept (a 409 lists them when some are missing; recorded in the audit log).",
    )


class ChangesCreate(RequestModel):
    """A change request must say what to change."""

    comment: str = Field(min_length=1, max_length=2000)


class ReviewPublic(BaseModel):
    """An approval or change request."""

    user_id: int
    role: str
    decision: ReviewDecision
    comment: str
    created_at: Timestamp


class WaiverPublic(BaseModel):
    """A waiver of one finding on one version."""

    id: int
    finding_id: str
    rule: str
    reason: str
    created_by: int
    created_at: Timestamp


class SignOffPublic(BaseModel):
    """Compliance's sign-off with the checklist it covered."""

    user_id: int
    checklist: list[dict[str, Any]]
    comment: str
    created_at: Timestamp


class VersionPublic(BaseModel):
    """One immutable version: text, check report (waivers applied) and provenance."""

    number: int
    text: str
    report: Report
    rulebook: str
    facts_version: int
    check_ms: float
    created_by: int
    created_at: Timestamp


class VersionSummary(BaseModel):
    """A version in a list (no text or report)."""

    number: int
    rulebook: str
    facts_version: int
    created_by: int
    created_at: Timestamp


class DraftPublic(BaseModel):
    """A draft with one version (the current one unless asked otherwise) and its review record."""

    id: int
    incident_id: int
    variant: str
    jurisdictions: list[str]
    residences: list[str]
    tone: str
    channel: str = Field(description="letter, email, website, faq, regulator or press.")
    language: str = Field(description="en or es.")
    state: DraftState
    released: bool = Field(
        description="Its current version exports without the DRAFT marking: approved by the CMO and "
        "security (a regulator notice also signed off by compliance)."
    )
    current_version: int
    facts_changed: bool = Field(
        description="The incident has newer facts than those this version's text was drafted from (GET ./facts-update shows the change)."
    )
    incident_facts_version: int
    version: VersionPublic
    merged: MergeInfo | None = Field(
        None,
        description="Set when your stale save was merged three-way with a version saved meanwhile.",
    )
    reviews: list[ReviewPublic]
    waivers: list[WaiverPublic]
    sign_off: SignOffPublic | None = None
    stale_reasons: list[str] = Field(
        default_factory=list,
        description="State `stale`: why the facts change affected "
        "this letter (approvals and sign-off lapsed; save or re-draft a new version).",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="On creation: why no such letter is required, when "
        "that is so (the draft is made anyway).",
    )

    @classmethod
    def of(cls, d: DraftDetail) -> DraftPublic:
        """Build from the service layer's DraftDetail."""
        v = d.version
        return cls(
            id=d.draft.id,
            incident_id=d.draft.incident_id,
            variant=d.draft.variant,
            jurisdictions=list(d.draft.jurisdictions),
            residences=list(d.draft.residences),
            tone=d.draft.tone,
            channel=d.draft.channel,
            language=d.draft.language,
            state=d.draft.state,
            released=released(d.draft.state, d.draft.channel),
            current_version=d.draft.current_version,
            facts_changed=d.facts_changed,
            incident_facts_version=d.incident_facts_version,
            version=VersionPublic(
                number=v.number,
                text=v.text,
                report=d.report,
                rulebook=v.rulebook_hash,
                facts_version=v.facts_version,
                check_ms=v.check_ms,
                created_by=v.created_by,
                created_at=v.created_at,
            ),
            reviews=[ReviewPublic.model_validate(r, from_attributes=True) for r in d.reviews],
            waivers=[WaiverPublic.model_validate(w, from_attributes=True) for w in d.waivers],
            sign_off=SignOffPublic.model_validate(d.sign_off, from_attributes=True)
            if d.sign_off
            else None,
            merged=MergeInfo.model_validate(d.merged) if d.merged else None,
            stale_reasons=list(d.stale_reasons),
            warnings=list(d.warnings),
        )


class IncidentCreated(BaseModel):
    """The new incident, its facts version and its drafts with their reports."""

    incident: IncidentPublic
    facts_version: int
    drafts: list[DraftPublic]
    warnings: list[str] = Field(
        default_factory=list, description="E.g. that no law requires any letter (no draft made)."
    )


class AuditEntryPublic(BaseModel):
    """One audit log entry."""

    seq: int
    at: Timestamp
    actor_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: int | None
    version: int | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditVerifyPublic(BaseModel):
    """Result of checking the hash chain."""

    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = Field(
        0,
        description="Signed checkpoints (CANDOR_AUDIT_CHECKPOINTS) the chain was checked against.",
    )
