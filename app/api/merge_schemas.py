"""Request and response models for merging: a stale save's overlaps, choices, and new facts into a draft."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.api.base import RequestModel

Choice = Literal["ours", "theirs", "both"]
VersionNumber = Field(ge=1, le=2**31 - 1)


class MergeInfo(BaseModel):
    """A stale save that was merged three-way with what was saved meanwhile."""

    base_version: int = Field(description="The version the text was edited from.")
    merged_with: int = Field(
        description="The version it was merged with (saved by someone else meanwhile)."
    )
    changes_kept_from_theirs: int = Field(
        description="Changed passages taken from the other version."
    )


class Overlap(BaseModel):
    """Sentences both sides changed differently: the common text and each side's."""

    index: int
    base: str
    yours: str
    theirs: str


class DiffSegment(BaseModel):
    """One piece of a word-level redline."""

    op: Literal["equal", "delete", "insert"]
    text: str


class ResolveCreate(RequestModel):
    """A stale text with a side chosen for each overlap the 409 listed (`details.overlaps[].index`)."""

    text: str = Field(
        min_length=1, description="Your text, as you sent it in the save that got 409."
    )
    base_version: int = Field(ge=1, le=2**31 - 1, description="The version you edited.")
    theirs_version: int = Field(
        ge=1, le=2**31 - 1, description="The current version the 409 named."
    )
    choices: dict[int, Choice] = Field(
        description="Overlap index -> ours (your text), theirs, or both (theirs first)."
    )


class FactsApplyCreate(RequestModel):
    """Apply the current facts to the draft's current version (as the preview showed them)."""

    base_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The draft version you reviewed (or If-Match)."
    )
    facts_version: int = Field(
        ge=1, le=2**31 - 1, description="The facts version the preview showed (`to_facts_version`)."
    )
    choices: dict[int, Literal["ours", "theirs"]] = Field(
        default_factory=dict,
        description="Overlap index -> ours (keep your text) or theirs (the new facts' text).",
    )


class FactChange(BaseModel):
    """One fact whose value changed."""

    path: str
    label: str
    old: str
    new: str


class FactsUpdatePublic(BaseModel):
    """What the incident's current facts change in one draft's current version."""

    draft_id: int
    version: int = Field(
        description="The draft's current version (send it back as base_version or If-Match)."
    )
    from_facts_version: int = Field(description="The facts version the text was drafted from.")
    to_facts_version: int = Field(description="The incident's current facts version.")
    pending: bool = Field(description="The text was drafted from older facts.")
    letter_changes: bool = Field(description="The new facts change the rendered letter.")
    fact_changes: list[FactChange]
    proposed_text: str | None = Field(
        description="The current text with the new facts applied; null while overlaps need choices."
    )
    diff: list[DiffSegment] = Field(
        description="Current text -> proposed text, word by word (empty while overlaps need choices)."
    )
    overlaps: list[Overlap] = Field(
        description="Sentences you edited that the new facts also change."
    )
