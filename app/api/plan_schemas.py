"""Request and response models of the tracked notification plan (app.api.routes.plan)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.workflow.plan_updates import METHODS

Status = Literal["open", "in_progress", "done", "not_required"]
Method = Literal[METHODS]  # type: ignore[valid-type]


class AttachmentPublic(BaseModel):
    """A proof file's metadata (download it from its own URL)."""

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: str | None


class ProofPublic(BaseModel):
    """A letter version (draft id + version) or a merge job linked as proof."""

    draft_id: int | None
    version: int | None
    merge: str | None


class PlanItemPublic(BaseModel):
    """One tracked notice: the obligation, its deadline, what was done and the proof."""

    id: int
    incident_id: int
    version: int = Field(
        description="Send it back as base_version (or If-Match) when you change the item."
    )
    jurisdiction: str
    obligation: str = Field(description="individuals, regulator, cra, media, covered_entity, ...")
    recipient: str
    due: str | None = Field(description="Last day (null: the law gives no number of days).")
    due_at: str | None = Field(description="Hour clocks: the deadline moment (UTC).")
    deadline_moment: str | None = Field(
        description="When the notice is late (a day clock's last day ends 24:00 UTC)."
    )
    previous_due: str | None = Field(
        description="The due date before the last facts change moved it."
    )
    previous_due_at: str | None
    due_revision: int = Field(description="How many times a facts change moved the deadline.")
    hours_left: int | None
    days_left: int | None
    time_left: str = Field(
        description="'5 hours left', '3 days left', 'OVERDUE by 2 days' (open items)."
    )
    overdue: bool
    deadline: str
    basis: str
    citation: str
    unverified: bool
    affected: int
    applicable: bool = Field(
        description="False: the current facts no longer require this notice (kept, never deleted)."
    )
    withdrawn_in: int | None = Field(description="The facts version that withdrew it.")
    status: Status
    sent_at: str | None
    method: str | None
    sent_by: str | None
    reference: str | None = Field(description="Reference or confirmation number.")
    reason: str | None = Field(description="Why the notice is not required.")
    note: str | None
    decided_by: int | None
    proof: ProofPublic
    attachments: list[AttachmentPublic]
    updated_at: str | None


class PlanPublic(BaseModel):
    """An incident's plan, sorted by deadline (items that no longer apply last)."""

    incident_id: int
    facts_version: int
    now: str = Field(description="The moment time left is counted from.")
    summary: dict[str, int]
    items: list[PlanItemPublic]


class PlanItemUpdate(BaseModel):
    """Fields to change on one item; leave a field out to keep it. `done` needs sent_at and method,
    `not_required` needs reason."""

    model_config = ConfigDict(extra="forbid")

    base_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The item version you edited (or If-Match)."
    )
    status: Status | None = None
    sent_at: AwareDatetime | None = Field(None, description="When it was sent, with UTC offset.")
    method: Method | None = None  # type: ignore[valid-type]
    sent_by: str | None = Field(None, max_length=254, description="Who sent it (default: you).")
    reference: str | None = Field(None, max_length=200)
    reason: str | None = Field(None, max_length=5000)
    note: str | None = Field(None, max_length=5000)
    proof_draft_id: int | None = Field(None, ge=1, le=2**31 - 1)
    proof_version: int | None = Field(None, ge=1, le=2**31 - 1)
    proof_merge: str | None = Field(None, max_length=100)
