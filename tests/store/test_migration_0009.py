"""Migration 0009 (merge_recipients keyed by job and line, no surrogate id, foreign key or
delivery index) on a database at 0008 holding a merge, on SQLite and PostgreSQL: the rows survive,
the schema matches the models, exactly once still holds (a second row for a line or for a
produced recipient is refused), and a downgrade back to 0008 keeps the rows."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.store.db import Database
from app.store.migrate import downgrade, upgrade
from app.store.models import Base

ROW = (
    "INSERT INTO merge_recipients ({extra}job_id, line, recipient_id, recipient_key, outcome, "
    "residence, variant, file, pages, reason_code, reason, delivery, delivery_detail, "
    "delivery_attempts) VALUES ({values}'j1', :line, :rid, :key, :outcome, 'US-CA', 'us-ca', "
    "'letters/us-ca/x.txt', NULL, '', '', NULL, '', 0)"
)


def _rows(db: Database) -> list[tuple[int, str, str | None]]:
    with db.engine.connect() as conn:
        return [
            tuple(r)  # type: ignore[misc]
            for r in conn.execute(
                text("SELECT line, outcome, recipient_key FROM merge_recipients ORDER BY line")
            )
        ]


def test_0009_keeps_a_merge_and_its_constraints(db_url):
    db = Database.from_url(db_url)
    upgrade(db.engine, "0008")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO merge_jobs (id, status, channel, format, mode, page_size, plan, "
                "chunk_size, chunks, created_at, updated_at) VALUES ('j1', 'running', 'print', "
                "'text', 'per-recipient', 'Letter', '{}', 10, 1, :t, :t)"
            ),
            {"t": "2026-12-01 12:00:00+00:00"},
        )
        for line, key, outcome in ((2, "r1", "produced"), (3, None, "rejected")):
            conn.execute(
                text(ROW.format(extra="", values="")),
                {"line": line, "rid": key or "", "key": key, "outcome": outcome},
            )
    before = _rows(db)
    upgrade(db.engine)
    assert _rows(db) == before
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    columns = {c["name"] for c in inspect(db.engine).get_columns("merge_recipients")}
    assert "id" not in columns
    assert inspect(db.engine).get_pk_constraint("merge_recipients")["constrained_columns"] == [
        "job_id",
        "line",
    ]
    for line, key in ((2, "r9"), (4, "r1")):  # the same line again; the same recipient again
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                text(ROW.format(extra="", values="")),
                {"line": line, "rid": key, "key": key, "outcome": "produced"},
            )
    downgrade(db.engine, "0008")
    assert _rows(db) == before
    assert "id" in {c["name"] for c in inspect(db.engine).get_columns("merge_recipients")}
    upgrade(db.engine)
    assert _rows(db) == before
    db.dispose()
