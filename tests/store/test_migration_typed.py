"""Migration 0005 (typed store) on a database built by migrations 0001–0004 with data in it, on
SQLite and PostgreSQL: text timestamps become aware datetimes with the same instants, legacy
vocabulary is mapped, the audit chain still verifies, the append-only triggers still hold, the
schema matches the models, and downgrading gives back the exact text that was stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from support.storedb import AUDIT_KEY

from app.store.db import Database
from app.store.migrate import downgrade, upgrade
from app.store.models import ApiToken, AuditEntry, Base, Draft, Review, WebSession
from app.workflow import audit

KEY = AUDIT_KEY.encode()
T0 = "2026-11-27T09:15:02.123456+00:00"
T1 = "2026-11-27T10:00:00+00:00"  # no microseconds: isoformat() leaves them out
T2 = "2026-11-28T23:59:59.000001+00:00"


def _seed_before_0005(conn, legacy_decision: str = "approve") -> list[str]:
    """Rows as the code before 0005 wrote them (ISO text), plus a keyed audit chain; returns the
    `at` texts of the chain."""
    conn.execute(
        text(
            "INSERT INTO users (id, email, role, password_hash, active, created_at) VALUES "
            "(1, 'cmo@x.example', 'cmo', NULL, true, :t0), "
            "(2, 'sec@x.example', 'security', NULL, true, :t1)"
        ),
        {"t0": T0, "t1": T1},
    )
    conn.execute(
        text(
            "INSERT INTO api_tokens (id, user_id, token_hash, prefix, name, created_at, revoked_at, "
            "expires_at) VALUES (1, 1, :h1, 'cnd_a', 't', :t0, NULL, :t2), "
            "(2, 2, :h2, 'cnd_b', 't', :t0, :t1, NULL)"
        ),
        {"h1": "a" * 64, "h2": "b" * 64, "t0": T0, "t1": T1, "t2": T2},
    )
    conn.execute(
        text(
            "INSERT INTO web_sessions (id, user_id, session_hash, created_at, expires_at, ended_at) "
            "VALUES (1, 1, :h, :t0, :t2, NULL)"
        ),
        {"h": "c" * 64, "t0": T0, "t2": T2},
    )
    conn.execute(
        text(
            "INSERT INTO incidents (id, title, facts_version, created_by, created_at) "
            "VALUES (1, 'Breach', 1, 1, :t0)"
        ),
        {"t0": T0},
    )
    conn.execute(
        text(
            "INSERT INTO facts_versions (id, incident_id, number, facts, created_by, created_at) "
            "VALUES (1, 1, 1, '{}', 1, :t0)"
        ),
        {"t0": T0},
    )
    conn.execute(
        text(
            "INSERT INTO drafts (id, incident_id, variant, jurisdictions, residences, tone, state, "
            "current_version, created_at) VALUES "
            "(1, 1, 'us-ca', '[\"US-CA\"]', '[\"US-CA\"]', 'plain', 'signed-off', 1, :t0), "
            "(2, 1, 'us-ma', '[\"US-MA\"]', '[\"US-MA\"]', 'plain', 'in_review', 1, :t1)"
        ),
        {"t0": T0, "t1": T1},
    )
    conn.execute(
        text(
            "INSERT INTO draft_versions (id, draft_id, number, text, report, rulebook_hash, "
            "facts_version, check_ms, created_by, created_at) VALUES "
            "(1, 1, 1, 'Dear', '{}', 'h', 1, 1.5, 1, :t0), (2, 2, 1, 'Dear', '{}', 'h', 1, 1.5, 1, :t1)"
        ),
        {"t0": T0, "t1": T1},
    )
    conn.execute(
        text(
            "INSERT INTO reviews (id, version_id, user_id, role, decision, comment, created_at) "
            "VALUES (1, 1, 1, 'cmo', :legacy, '', :t1), (2, 1, 2, 'security', 'approved', '', :t2), "
            "(3, 2, 2, 'security', 'changes_requested', 'fix', :t2)"
        ),
        {"legacy": legacy_decision, "t1": T1, "t2": T2},
    )
    conn.execute(
        text(
            "INSERT INTO waivers (id, version_id, finding_id, rule, reason, created_by, created_at) "
            "VALUES (1, 1, 'f1', 'r', 'why', 1, :t1)"
        ),
        {"t1": T1},
    )
    conn.execute(
        text(
            "INSERT INTO sign_offs (id, version_id, user_id, checklist, comment, created_at) "
            "VALUES (1, 1, 2, '[]', '', :t2)"
        ),
        {"t2": T2},
    )
    prev, ats = audit.GENESIS, [T0, T1, T2]
    for seq, at in enumerate(ats, 1):
        fields = {
            "seq": seq,
            "at": at,
            "actor_id": 1,
            "actor": "cmo@x.example",
            "action": "draft.approved",
            "entity": "draft",
            "entity_id": 1,
            "version": 1,
            "details": {"n": seq},
        }
        h = audit.entry_hash(KEY, fields, prev)
        conn.execute(
            text(
                "INSERT INTO audit_entries (seq, at, actor_id, actor, action, entity, entity_id, "
                "version, details, prev_hash, hash) VALUES (:seq, :at, :actor_id, :actor, :action, "
                ":entity, :entity_id, :version, :details, :prev, :hash)"
            ),
            fields | {"details": f'{{"n": {seq}}}', "prev": prev, "hash": h},
        )
        prev = h
    conn.execute(
        text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": len(ats), "h": prev}
    )
    return ats


def _database_before_0005(db_url: str, **seed) -> Database:
    db = Database.from_url(db_url, audit_key=KEY)
    upgrade(db.engine, "0004")
    with db.engine.begin() as conn:
        _seed_before_0005(conn, **seed)
    return db


def _aware(iso_text: str) -> datetime:
    return datetime.fromisoformat(iso_text).astimezone(UTC)


def test_0005_converts_existing_data_and_keeps_the_audit_chain(db_url):
    db = _database_before_0005(db_url)
    try:
        upgrade(db.engine)
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with db.reads() as s:
            tokens = {t.id: t for t in s.execute(select(ApiToken)).scalars()}
            assert tokens[1].created_at == _aware(T0) and tokens[1].created_at.tzinfo is UTC
            assert tokens[1].expires_at == _aware(T2) and tokens[1].revoked_at is None
            assert tokens[2].revoked_at == _aware(T1) and tokens[2].expires_at is None
            web = s.execute(select(WebSession)).scalar_one()
            assert web.expires_at == _aware(T2) and web.ended_at is None
            # comparisons are between instants now, in SQL too
            later = s.execute(select(ApiToken.id).where(ApiToken.created_at < _aware(T1))).scalars()
            assert sorted(later) == [1, 2]
            states = dict(s.execute(select(Draft.id, Draft.state)).all())
            assert states == {1: "signed_off", 2: "in_review"}
            decisions = sorted(s.execute(select(Review.id, Review.decision)).all())
            assert decisions == [(1, "approved"), (2, "approved"), (3, "changes_requested")]
            entries = s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
            assert [audit.entry_fields(e)["at"] for e in entries] == [T0, T1, T2]
            result = audit.verify(s)
            assert result.ok and result.entries == 3, result.reason
        # the append-only triggers are back after the tables were rebuilt
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE audit_entries SET actor = 'x' WHERE seq = 1"))
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM draft_versions WHERE id = 2"))
        # the CHECK constraints refuse values outside the vocabulary
        with pytest.raises(DBAPIError):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE drafts SET state = 'approve' WHERE id = 2"))
    finally:
        db.dispose()


def test_0005_downgrade_gives_back_the_stored_text(db_url):
    db = _database_before_0005(db_url, legacy_decision="approved")
    try:
        with db.engine.connect() as conn:
            before = (
                conn.execute(text("SELECT seq, at FROM audit_entries ORDER BY seq")).all(),
                conn.execute(
                    text(
                        "SELECT id, created_at, revoked_at, expires_at FROM api_tokens ORDER BY id"
                    )
                ).all(),
            )
        upgrade(db.engine)
        downgrade(db.engine, "0004")
        with db.engine.connect() as conn:
            after = (
                conn.execute(text("SELECT seq, at FROM audit_entries ORDER BY seq")).all(),
                conn.execute(
                    text(
                        "SELECT id, created_at, revoked_at, expires_at FROM api_tokens ORDER BY id"
                    )
                ).all(),
            )
        assert after == before
        upgrade(db.engine)  # and up again
        with db.reads() as s:
            assert audit.verify(s).ok
    finally:
        db.dispose()


def test_0005_refuses_an_unknown_state_naming_the_row(db_url):
    db = _database_before_0005(db_url)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE drafts SET state = 'archived' WHERE id = 2"))
        with pytest.raises(ValueError, match=r"drafts row 2: state 'archived'"):
            upgrade(db.engine)
        with db.engine.connect() as conn:  # nothing was changed: still at 0004, text timestamps
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
            assert conn.execute(text("SELECT created_at FROM users WHERE id = 1")).scalar() == T0
    finally:
        db.dispose()
