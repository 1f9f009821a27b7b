"""The tracked notification plan: one row per obligation of an incident, its proof files, the
reminders sent for it, and the revocable tokens that open calendar feeds.

Plan items are never deleted: an obligation that no longer applies after a facts change is marked
`applicable = False` (with the facts version that withdrew it), and a moved deadline keeps the
value it had before in `previous_due` / `previous_due_at`. `version` is the optimistic lock an
update names, as drafts and facts do.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base
from app.store.types import UTCDateTime


class PlanItem(Base):
    """One notice owed for an incident: who, by when, under which law, and what was done about it."""

    __tablename__ = "plan_items"
    __table_args__ = (UniqueConstraint("incident_id", "key", name="uq_plan_item_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    key: Mapped[str] = mapped_column(String(400))  # jurisdiction|obligation|recipient
    jurisdiction: Mapped[str] = mapped_column(String(40))
    obligation: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(300))
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    previous_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    previous_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    due_revision: Mapped[int] = mapped_column(Integer, default=0)
    deadline: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    citation: Mapped[str] = mapped_column(Text, default="")
    unverified: Mapped[bool] = mapped_column(Boolean, default=False)
    affected: Mapped[int] = mapped_column(Integer, default=0)
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn_in: Mapped[int | None] = mapped_column(Integer, nullable=True)
    facts_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    method: Mapped[str | None] = mapped_column(String(30), nullable=True)
    sent_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    proof_draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), nullable=True)
    proof_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    proof_merge: Mapped[str | None] = mapped_column(String(100), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanAttachment(Base):
    """A proof file attached to a plan item (a confirmation page, a receipt); stored with its SHA-256."""

    __tablename__ = "plan_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderDelivery(Base):
    """One reminder for one item, threshold, channel and deadline moment: claimed once, then sent or failed."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("item_id", "threshold", "channel", "due_moment", name="uq_reminder_once"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id"), index=True)
    threshold: Mapped[str] = mapped_column(String(20))  # "72h", "24h", "4h", "overdue"
    channel: Mapped[str] = mapped_column(String(20))  # "webhook" or "email"
    due_moment: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # sending, sent, failed, skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FeedToken(Base):
    """A revocable token opening one calendar feed (an incident's, or a user's all-incidents feed)."""

    __tablename__ = "feed_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
