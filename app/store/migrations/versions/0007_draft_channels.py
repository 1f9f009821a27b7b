"""Stored artifacts: `drafts.channel` and `drafts.language`, uniqueness per channel and language.

Until now a draft was a letter in English. An incident's e-mail, website posting, FAQ, regulator
notices, press statement and Spanish letters are drafts too (issue 17.3, 19.6), so a draft is
unique per incident × variant × tone × channel × language. Existing rows become English letters
(the server defaults), which is what they are.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_UNIQUE = ("uq_draft_variant_tone", ["incident_id", "variant", "tone"])
NEW_UNIQUE = ("uq_draft_artifact", ["incident_id", "variant", "tone", "channel", "language"])


def upgrade() -> None:
    """Add the two columns (existing drafts: English letters) and widen the unique constraint."""
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=20), nullable=False, server_default="letter")
        )
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
        )
        batch.drop_constraint(OLD_UNIQUE[0], type_="unique")
        batch.create_unique_constraint(*NEW_UNIQUE)


def downgrade() -> None:
    """Back to letters only: refused while artifacts other than English letters exist."""
    conn = op.get_bind()
    others = conn.execute(
        sa.text("SELECT count(*) FROM drafts WHERE channel <> 'letter' OR language <> 'en'")
    ).scalar()
    if others:
        raise RuntimeError(
            f"{others} drafts are not English letters; delete them before downgrading below 0007"
        )
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(NEW_UNIQUE[0], type_="unique")
        batch.create_unique_constraint(*OLD_UNIQUE)
        batch.drop_column("language")
        batch.drop_column("channel")
