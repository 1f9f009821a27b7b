"""Mail-merge jobs in the database: the job, its chunks of recipients and one row per input line;
and the other long jobs (bulk drafting, bulk export: ``task_jobs``).

Why in the database: any worker on any machine takes any chunk (app.export.jobs), so the state
must live where every worker sees it. Exactly once is a constraint, not a convention: one row per
(job, input line: the primary key) and one produced letter per (job, recipient id) — ``recipient_key`` is the
recipient id for a produced letter and NULL for a rejected row (NULLs never collide), so a chunk
redone after a worker died cannot produce anyone twice. Rows carry ids, codes and counts only:
never a name or an address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow
from app.store.types import UTCDateTime


class MergeJob(Base):
    """One mail merge: its parameters, the approved letters (plan), status and final summary."""

    __tablename__ = "merge_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), index=True, nullable=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), default="print")
    format: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(20))
    page_size: Mapped[str] = mapped_column(String(10), default="Letter")
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chunk_size: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MergeChunk(Base):
    """A contiguous range of input lines, taken by one worker at a time; counts for progress."""

    __tablename__ = "merge_chunks"
    __table_args__ = (UniqueConstraint("job_id", "number", name="uq_merge_chunk"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("merge_jobs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    first_line: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(120), nullable=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MergeRecipient(Base):
    """What became of one input line: a produced letter (variant, file, pages) or a reject
    (reason), plus its e-mail delivery status for the e-mail channel.

    Keyed by (job, line) with no surrogate id, no foreign key to ``merge_jobs`` and no other
    index than the recipient-id constraint: a merge writes millions of these rows, and each index
    or check is server CPU per recipient (migration 0009 says how much). A deleted job's rows are
    deleted by app.export.jobs.cleanup."""

    __tablename__ = "merge_recipients"
    __table_args__ = (
        PrimaryKeyConstraint("job_id", "line", name="pk_merge_recipients"),
        UniqueConstraint("job_id", "recipient_key", name="uq_merge_recipient"),
    )
    job_id: Mapped[str] = mapped_column(String(32))
    line: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[str] = mapped_column(String(200))
    recipient_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    outcome: Mapped[str] = mapped_column(String(10))  # produced | rejected
    residence: Mapped[str] = mapped_column(String(12), default="")
    variant: Mapped[str] = mapped_column(String(200), default="")
    file: Mapped[str] = mapped_column(String(400), default="")
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[str | None] = mapped_column(String(10), nullable=True)
    delivery_detail: Mapped[str] = mapped_column(Text, default="")
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TaskJob(Base):
    """Another long job run as tasks (app.export.bulk_tasks): bulk drafting, bulk export. Its
    parameters, progress (``done`` of ``total`` items) and result (ids and counts only)."""

    __tablename__ = "task_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # drafts | export
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # queued | running | complete | failed
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
