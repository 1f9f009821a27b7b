"""The stored record: users and credentials, incidents with versioned facts, drafts with immutable
versions, waivers, reviews, sign-offs and the hash-chained audit log.

Timestamps are timezone-aware UTC `datetime`s (app.store.types.UTCDateTime); states and review
decisions are enums (app.store.enums). Relationships are read-only (`viewonly`): pages load a
draft's versions, reviews and reviewers in a few queries with `selectinload`, and writers keep
setting the foreign-key columns, so nothing is written through a relationship by accident.

Versions, facts versions and audit entries are never updated or deleted by the application;
a new state is always a new row. Uniqueness constraints back the optimistic-locking checks, so
even a logic slip cannot create two versions with the same number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.core.timestamps import utcnow
from app.store.enums import DraftState, ReviewDecision, enum_column_type
from app.store.types import UTCDateTime

__all__ = ["utcnow"]  # re-exported: the clock every row's `created_at` comes from


class Base(DeclarativeBase):
    """Declarative base; metadata is what Alembic migrations mirror."""


class User(Base):
    """A person with exactly one role."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored (tokens are 256-bit random, so no slow hash needed)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True
    )  # None only before migration 0002


class WebSession(Base):
    """A browser session; the cookie carries a random id whose SHA-256 is stored here."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Incident(Base):
    """A breach being handled; its facts live in FactsVersion rows."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    facts_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    drafts: Mapped[list[Draft]] = relationship(
        back_populates="incident", order_by="Draft.id", viewonly=True
    )


class FactsVersion(Base):
    """One immutable version of an incident's facts."""

    __tablename__ = "facts_versions"
    __table_args__ = (UniqueConstraint("incident_id", "number", name="uq_facts_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Draft(Base):
    """One artifact per incident × jurisdiction variant × tone × channel × language (a letter in
    English unless said otherwise; app.domain.channels); `current_version` is the lock."""

    __tablename__ = "drafts"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "variant", "tone", "channel", "language", name="uq_draft_artifact"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    variant: Mapped[str] = mapped_column(String(300))
    jurisdictions: Mapped[list[str]] = mapped_column(JSON)
    residences: Mapped[list[str]] = mapped_column(JSON)
    tone: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="letter", server_default="letter")
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    state: Mapped[DraftState] = mapped_column(
        enum_column_type(DraftState, "ck_drafts_state"), default=DraftState.DRAFT
    )
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="drafts", viewonly=True)
    versions: Mapped[list[DraftVersion]] = relationship(
        back_populates="draft", order_by="DraftVersion.number", viewonly=True
    )


class DraftVersion(Base):
    """An immutable saved text with its check report and the rulebook hash it was checked with."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_draft_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    rulebook_hash: Mapped[str] = mapped_column(String(80))
    facts_version: Mapped[int] = mapped_column(Integer)
    check_ms: Mapped[float] = mapped_column(default=0.0)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    draft: Mapped[Draft] = relationship(back_populates="versions", viewonly=True)
    author: Mapped[User] = relationship(viewonly=True)
    reviews: Mapped[list[Review]] = relationship(order_by="Review.id", viewonly=True)
    waivers: Mapped[list[Waiver]] = relationship(order_by="Waiver.id", viewonly=True)
    sign_off: Mapped[SignOff | None] = relationship(viewonly=True)


class Waiver(Base):
    """A reviewer's decision to waive one finding on one version, with a reason."""

    __tablename__ = "waivers"
    __table_args__ = (UniqueConstraint("version_id", "finding_id", name="uq_waiver"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    finding_id: Mapped[str] = mapped_column(String(80))
    rule: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(viewonly=True)


class Review(Base):
    """An approval or a change request by one user on one version."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("version_id", "user_id", "decision", name="uq_review_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    decision: Mapped[ReviewDecision] = mapped_column(
        enum_column_type(ReviewDecision, "ck_reviews_decision")
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(viewonly=True)


class SignOff(Base):
    """Compliance's sign-off of the per-jurisdiction checklist of an approved version."""

    __tablename__ = "sign_offs"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(viewonly=True)


class AuditEntry(Base):
    """One append-only audit record; `hash` covers its content and the previous entry's hash."""

    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """Single row holding the chain's last seq and hash; locking it serialises appends and
    lets `verify` notice a deleted tail.
    """

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class Comment(Base):
    """A comment on a range of one version's text, or (``parent_id`` set) a reply in its thread.

    The range is in code points of version ``version``'s text; ``quote`` is the text it covered, so
    later versions can re-anchor the comment (app.workflow.comments) or list it as orphaned.
    """

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    start_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quote: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Suggestion(Base):
    """A proposed edit (track changes): replace ``original`` at a range of version ``base_version``
    with ``replacement``. Accepting it saves the next version; ``status`` open|accepted|rejected."""

    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    base_version: Mapped[int] = mapped_column(Integer)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    original: Mapped[str] = mapped_column(Text, default="")
    replacement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


from app.store import merge_models as _merge_models  # noqa: E402, F401 - merge tables share this metadata

# The tracked notification plan's tables (issue 18) live in their own module; importing it here
# puts them in Base.metadata wherever the models are loaded (migrations, tests).
from app.store import plan_models as _plan_models  # noqa: E402, F401
