"""The closed vocabularies the store keeps: a draft's review state and a review's decision.

They are `StrEnum`s, so a stored value compares equal to its string and JSON bodies keep the
strings they always had (`"approved"`, `"changes_requested"`, ...). The columns hold the value
text with a CHECK constraint, on SQLite and PostgreSQL alike (no native PostgreSQL enum type, so
adding a value is one migration that replaces the constraint).

A review's decision is the state it asks for, in the past tense (`approved`, `changes_requested`);
the *actions* that record it are `approve` and `request_changes` (app.workflow.states).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


class DraftState(StrEnum):
    """Where a draft is in review (transitions: app.workflow.states.TRANSITIONS)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SIGNED_OFF = "signed_off"
    STALE = "stale"


class ReviewDecision(StrEnum):
    """What one reviewer decided about one version."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


def enum_column_type(enum: type[StrEnum], name: str, length: int = 30) -> Enum:
    """A VARCHAR(length) column type holding the enum's values, with a CHECK constraint `name`."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )
