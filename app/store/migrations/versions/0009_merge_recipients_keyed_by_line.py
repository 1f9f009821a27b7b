"""merge_recipients keyed by (job, input line): no surrogate id, no foreign key, no delivery index.

Why: a merge writes one row per recipient — millions — and on PostgreSQL the database's work per
row was a large share of a merge's CPU on a 2-core machine (the server shares the cores with the
workers). Each row paid for a surrogate id (a sequence and its own index), a foreign-key check on
``merge_jobs`` (a lookup and a key-share lock on the job row, taken by every worker at once), an
index only e-mail delivery used (its queries filter by job and line range, which the key serves),
and for ``INSERT … ON CONFLICT`` (replaced by COPY, app.export.merge_records). Measured on the
shared PostgreSQL 15 (60,000 rows, 500 per batch): 28 µs of server CPU per row before, 7 µs with
COPY into this table. Exactly once is unchanged: the primary key is the old unique (job, line)
and ``uq_merge_recipient`` (job, recipient id of a produced letter) stays. A job's rows are deleted
by app.export.jobs.cleanup (they were deleted by ON DELETE CASCADE).

The table is rebuilt (new table, rows copied, old one dropped) the same way on SQLite and
PostgreSQL; ``downgrade`` rebuilds the 0004 shape (ids assigned in job and line order).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = (
    "job_id, line, recipient_id, recipient_key, outcome, residence, variant, file, pages, "
    "reason_code, reason, delivery, delivery_detail, delivery_attempts, delivered_at"
)


def _columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.String(length=200), nullable=False),
        sa.Column("recipient_key", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("residence", sa.String(length=12), nullable=False),
        sa.Column("variant", sa.String(length=200), nullable=False),
        sa.Column("file", sa.String(length=400), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=True),
        sa.Column("delivery_detail", sa.Text(), nullable=False),
        sa.Column("delivery_attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _copy_into(new: str) -> None:
    op.execute(
        f"INSERT INTO {new} ({COLUMNS}) SELECT {COLUMNS} FROM merge_recipients "  # noqa: S608 - constant names
        "ORDER BY job_id, line"
    )
    op.drop_table("merge_recipients")
    op.rename_table(new, "merge_recipients")


def upgrade() -> None:
    """Rebuild merge_recipients with the primary key (job_id, line)."""
    op.drop_index("ix_merge_recipients_delivery", table_name="merge_recipients")
    op.create_table(
        "merge_recipients_0009",
        *_columns(),
        sa.PrimaryKeyConstraint("job_id", "line", name="pk_merge_recipients"),
        sa.UniqueConstraint("job_id", "recipient_key", name=_unique_name("0009")),
    )
    _copy_into("merge_recipients_0009")
    _rename_unique("0009")


def downgrade() -> None:
    """Back to the 0004 shape: a surrogate id, the foreign key, the delivery index."""
    op.create_table(
        "merge_recipients_0004",
        sa.Column("id", BIG_ID, nullable=False),
        *_columns(),
        sa.ForeignKeyConstraint(["job_id"], ["merge_jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "line", name="uq_merge_line"),
        sa.UniqueConstraint("job_id", "recipient_key", name=_unique_name("0004")),
    )
    _copy_into("merge_recipients_0004")
    _rename_unique("0004")
    op.create_index("ix_merge_recipients_delivery", "merge_recipients", ["job_id", "delivery"])


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _unique_name(step: str) -> str:
    """``uq_merge_recipient`` of the new table: on PostgreSQL a constraint's name is its index's,
    unique in the schema while the old table exists, so it is built under a temporary name."""
    return f"uq_merge_recipient_{step}" if _postgres() else "uq_merge_recipient"


def _rename_unique(step: str) -> None:
    if _postgres():
        op.execute(
            f'ALTER TABLE merge_recipients RENAME CONSTRAINT "uq_merge_recipient_{step}" '
            'TO "uq_merge_recipient"'
        )
