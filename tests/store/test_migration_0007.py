"""Migration 0007 (drafts get `channel` and `language`) on a database at 0006 with drafts, versions
and reviews in it, on SQLite and PostgreSQL: existing drafts become English letters with their rows
intact, the schema matches the models, the widened unique constraint allows an e-mail beside the
letter but not a second identical artifact, the CHECK on `state` and the append-only triggers
survive the rebuild, and a downgrade back to 0006 works (refused while other artifacts exist)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from support.storedb import AUDIT_KEY

from app.store.db import Database
from app.store.migrate import downgrade, upgrade
from app.store.models import Base

T0 = datetime(2026, 11, 27, 9, 15, 2, tzinfo=UTC)
DRAFT = (
    "INSERT INTO drafts (id, incident_id, variant, jurisdictions, residences, tone, state, "
    "current_version, created_at{extra}) VALUES (:id, 1, :variant, '[\"US-CA\"]', '[\"US-CA\"]', "
    ":tone, :state, 1, :t0{values})"
)


def _database_at_0006(db_url: str) -> Database:
    db = Database.from_url(db_url, audit_key=AUDIT_KEY.encode())
    upgrade(db.engine, "0006")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, role, password_hash, active, created_at) "
                "VALUES (1, 'cmo@x.example', 'cmo', NULL, true, :t0)"
            ),
            {"t0": T0},
        )
        conn.execute(
            text(
                "INSERT INTO incidents (id, title, facts_version, created_by, created_at) "
                "VALUES (1, 'Breach', 1, 1, :t0)"
            ),
            {"t0": T0},
        )
        for id_, tone, state in ((1, "plain", "approved"), (2, "formal", "draft")):
            conn.execute(
                text(DRAFT.format(extra="", values="")),
                {"id": id_, "variant": "US-CA", "tone": tone, "state": state, "t0": T0},
            )
            conn.execute(
                text(
                    "INSERT INTO draft_versions (id, draft_id, number, text, report, rulebook_hash, "
                    "facts_version, check_ms, created_by, created_at) VALUES "
                    "(:id, :id, 1, 'Dear', '{}', 'h', 1, 1.5, 1, :t0)"
                ),
                {"id": id_, "t0": T0},
            )
        conn.execute(
            text(
                "INSERT INTO reviews (id, version_id, user_id, role, decision, comment, created_at) "
                "VALUES (1, 1, 1, 'cmo', 'approved', '', :t0)"
            ),
            {"t0": T0},
        )
    return db


def _insert(conn, id_: int, tone: str, channel: str, language: str) -> None:
    conn.execute(
        text(DRAFT.format(extra=", channel, language", values=", :channel, :language")),
        {
            "id": id_,
            "variant": "US-CA",
            "tone": tone,
            "state": "draft",
            "t0": T0,
            "channel": channel,
            "language": language,
        },
    )


def test_0007_keeps_existing_drafts_as_english_letters(db_url):
    db = _database_at_0006(db_url)
    try:
        upgrade(db.engine)
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            rows = conn.execute(
                text("SELECT id, tone, state, channel, language FROM drafts ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [
                (1, "plain", "approved", "letter", "en"),
                (2, "formal", "draft", "letter", "en"),
            ]
            assert conn.execute(text("SELECT count(*) FROM reviews")).scalar() == 1
        with db.engine.begin() as conn:  # an e-mail and a Spanish letter beside the letter
            _insert(conn, 3, "plain", "email", "en")
            _insert(conn, 4, "plain", "letter", "es")
        with pytest.raises(IntegrityError):
            with db.engine.begin() as conn:
                _insert(conn, 5, "plain", "email", "en")
        with pytest.raises(DBAPIError):  # the CHECK on state survived the table rebuild
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE drafts SET state = 'archived' WHERE id = 2"))
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM draft_versions WHERE id = 1"))
    finally:
        db.dispose()


def test_0007_downgrade_refuses_while_other_artifacts_exist(db_url):
    db = _database_at_0006(db_url)
    try:
        upgrade(db.engine)
        with db.engine.begin() as conn:
            _insert(conn, 3, "plain", "email", "en")
        with pytest.raises(RuntimeError, match="1 drafts are not English letters"):
            downgrade(db.engine, "0006")
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM drafts WHERE id = 3"))
        downgrade(db.engine, "0006")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0006"
            assert conn.execute(text("SELECT count(*) FROM drafts")).scalar() == 2
        upgrade(db.engine)
    finally:
        db.dispose()
