"""API tokens expire: api_tokens.expires_at (existing tokens get 90 days from their creation).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:55:00
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LEGACY_DAYS = 90  # the default CANDOR_TOKEN_LIFETIME_DAYS when this migration was written


def upgrade() -> None:
    """Add the column and date existing tokens."""
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.String(length=40), nullable=True))
    tokens = sa.table(
        "api_tokens",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.String),
        sa.column("expires_at", sa.String),
    )
    conn = op.get_bind()
    for token_id, created in conn.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        expires = (datetime.fromisoformat(created) + timedelta(days=LEGACY_DAYS)).isoformat()
        conn.execute(tokens.update().where(tokens.c.id == token_id).values(expires_at=expires))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
