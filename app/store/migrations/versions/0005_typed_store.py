"""Typed store: timestamps become timezone-aware DATETIME, states and decisions get CHECK constraints.

Until now every timestamp was `String(40)` holding `datetime.isoformat()` text (UTC, with
`+00:00`), compared as strings. After this revision they are `DateTime(timezone=True)`:
`timestamp with time zone` on PostgreSQL; on SQLite the fixed-width UTC text SQLAlchemy writes
(`YYYY-MM-DD HH:MM:SS.ffffff`), read back as UTC by app.store.types.UTCDateTime.

Data conversion, per dialect:
- PostgreSQL: `ALTER COLUMN ... TYPE timestamptz USING col::timestamptz` (the ISO text parses as is;
  no row is updated, so the append-only triggers are not involved).
- SQLite: a column's type can only change by rebuilding the table (Alembic's batch mode), and the
  copy would CAST the text to DATETIME, which SQLite reads as a number (`2026`). So the values are
  read first, the table rebuilt, and the values written back in the new form. Rebuilding drops the
  append-only triggers of revision 0001; they are created again at the end.

Vocabulary: `drafts.state` and `reviews.decision` keep their text values and gain CHECK constraints
(app.store.enums). Legacy spellings are mapped (`approve` -> `approved`, `signed-off` -> `signed_off`);
any other unknown value stops the migration naming the row, so nothing is guessed.

The audit chain stays valid: an entry's hash covers the ISO text of `at`, and
`datetime.isoformat()` of the converted value gives back exactly the text that was stored.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table -> (primary key, [(timestamp column, nullable)])
TIMESTAMPS: dict[str, tuple[str, list[tuple[str, bool]]]] = {
    "users": ("id", [("created_at", False)]),
    "api_tokens": ("id", [("created_at", False), ("revoked_at", True), ("expires_at", True)]),
    "web_sessions": ("id", [("created_at", False), ("expires_at", False), ("ended_at", True)]),
    "incidents": ("id", [("created_at", False)]),
    "facts_versions": ("id", [("created_at", False)]),
    "drafts": ("id", [("created_at", False)]),
    "draft_versions": ("id", [("created_at", False)]),
    "waivers": ("id", [("created_at", False)]),
    "reviews": ("id", [("created_at", False)]),
    "sign_offs": ("id", [("created_at", False)]),
    "audit_entries": ("seq", [("at", False)]),
}
APPEND_ONLY = ("audit_entries", "draft_versions", "facts_versions")

DRAFT_STATES = ("draft", "in_review", "changes_requested", "approved", "signed_off", "stale")
DECISIONS = ("approved", "changes_requested")
LEGACY_STATES = {"signed-off": "signed_off", "exported": "signed_off"}
LEGACY_DECISIONS = {"approve": "approved", "request_changes": "changes_requested"}
CHECKS = {
    "drafts": ("ck_drafts_state", "state", DRAFT_STATES),
    "reviews": ("ck_reviews_decision", "decision", DECISIONS),
}

OLD = sa.String(length=40)
NEW = sa.DateTime(timezone=True)


def _parse(text: str, where: str) -> datetime:
    """The stored ISO 8601 text as an aware UTC datetime (text without offset was written as UTC)."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(
            f"{where}: {text!r} is not an ISO 8601 timestamp; fix the row and re-run"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _check_sql(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# ---- vocabulary ----------------------------------------------------------------------------------


def _map_legacy_values() -> None:
    """Rewrite legacy spellings; refuse values outside the vocabulary (named, not guessed)."""
    conn = op.get_bind()
    for old, new in LEGACY_STATES.items():
        conn.execute(
            sa.text("UPDATE drafts SET state = :new WHERE state = :old"), {"new": new, "old": old}
        )
    for old, new in LEGACY_DECISIONS.items():
        # a user who has both spellings on one version keeps one row (uq_review_once)
        conn.execute(
            sa.text(
                "DELETE FROM reviews WHERE decision = :old AND EXISTS (SELECT 1 FROM reviews r2 "
                "WHERE r2.version_id = reviews.version_id AND r2.user_id = reviews.user_id "
                "AND r2.decision = :new)"
            ),
            {"new": new, "old": old},
        )
        conn.execute(
            sa.text("UPDATE reviews SET decision = :new WHERE decision = :old"),
            {"new": new, "old": old},
        )
    for table, (_name, column, values) in CHECKS.items():
        bad = conn.execute(
            sa.text(f"SELECT id, {column} FROM {table} WHERE NOT ({_check_sql(column, values)})")  # noqa: S608 - names and values are the constants above
        ).first()
        if bad is not None:
            raise ValueError(
                f"{table} row {bad[0]}: {column} {bad[1]!r} is not one of {', '.join(values)}; "
                "fix the row and re-run the migration"
            )


# ---- SQLite: rebuild tables, carrying the values across in Python ---------------------------------


def _sqlite_drop_triggers() -> None:
    for t in APPEND_ONLY:
        for ev in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {t}_no_{ev}")


def _sqlite_create_triggers() -> None:
    for t in APPEND_ONLY:
        for ev in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {t}_no_{ev.lower()} BEFORE {ev} ON {t} "
                f"BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END"
            )


def _sqlite_retype(to_datetime: bool) -> None:
    """Rebuild each table with the new column types and write its timestamp values back."""
    conn = op.get_bind()
    for table, (pk, columns) in TIMESTAMPS.items():
        names = [c for c, _ in columns]
        rows = conn.execute(sa.text(f"SELECT {pk}, {', '.join(names)} FROM {table}")).all()  # noqa: S608 - names are the constants above
        with op.batch_alter_table(table, recreate="always") as batch:
            for column, nullable in columns:
                batch.alter_column(
                    column,
                    existing_type=OLD if to_datetime else NEW,
                    type_=NEW if to_datetime else OLD,
                    existing_nullable=nullable,
                )
            if to_datetime and table in CHECKS:
                name, column, values = CHECKS[table]
                batch.create_check_constraint(name, _check_sql(column, values))
            if not to_datetime and table in CHECKS:
                batch.drop_constraint(CHECKS[table][0], type_="check")
        if not rows:
            continue
        target = sa.table(
            table, sa.column(pk), *(sa.column(c, NEW if to_datetime else OLD) for c in names)
        )
        params: list[dict[str, Any]] = []
        for row in rows:
            values = {}
            for column, text in zip(names, row[1:], strict=True):
                if text is None:
                    values[column] = None
                elif to_datetime:  # SQLite stores the UTC wall time without offset
                    values[column] = _parse(text, f"{table}.{column} row {row[0]}").replace(
                        tzinfo=None
                    )
                else:
                    values[column] = _parse(text, f"{table}.{column} row {row[0]}").isoformat()
            params.append({"_pk": row[0], **values})
        conn.execute(
            target.update()
            .where(target.c[pk] == sa.bindparam("_pk"))
            .values({c: sa.bindparam(c) for c in names}),
            params,
        )


# ---- PostgreSQL: ALTER COLUMN ... USING ----------------------------------------------------------

_PG_TO_TEXT = (
    "regexp_replace(to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.000000$', '')"
    " || '+00:00'"
)


def _postgres_retype(to_datetime: bool) -> None:
    for table, (_pk, columns) in TIMESTAMPS.items():
        for column, nullable in columns:
            op.alter_column(
                table,
                column,
                existing_type=OLD if to_datetime else NEW,
                type_=NEW if to_datetime else OLD,
                existing_nullable=nullable,
                postgresql_using=f"{column}::timestamp with time zone"
                if to_datetime
                else _PG_TO_TEXT.format(c=column),
            )
    for table, (name, column, values) in CHECKS.items():
        if to_datetime:
            op.create_check_constraint(name, table, _check_sql(column, values))
        else:
            op.drop_constraint(name, table, type_="check")


def upgrade() -> None:
    """Map legacy vocabulary, then retype every timestamp column (data converted, not dropped)."""
    _map_legacy_values()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_drop_triggers()
        _sqlite_retype(to_datetime=True)
        _sqlite_create_triggers()
    else:
        _postgres_retype(to_datetime=True)


def downgrade() -> None:
    """Back to ISO 8601 text (the exact `isoformat()` form) and no CHECK constraints."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_drop_triggers()
        _sqlite_retype(to_datetime=False)
        _sqlite_create_triggers()
    else:
        _postgres_retype(to_datetime=False)
