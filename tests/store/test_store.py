"""The store itself: SQLite pragmas, migrations matching the models, audit tamper detection, CLI."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from support.storedb import candor, server_env

from app.store.db import Database
from app.store.migrate import upgrade
from app.store.models import Base
from app.workflow import audit


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    db = Database.from_url(f"sqlite:///{tmp_path}/x.db")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_migrations_are_idempotent_and_match_the_models(db_url):
    db = Database.from_url(db_url)
    upgrade(db.engine)
    upgrade(db.engine)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def _tamper(store, sql):
    with store.db.engine.connect() as conn:
        if store.db.is_sqlite:
            for t in ("audit_entries_no_update", "audit_entries_no_delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {t}"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries"))
        conn.execute(text(sql))
        conn.commit()


def _fill(store, n=6):
    from app.auth.users import issue_token

    with store.session() as s:
        for _ in range(n):
            issue_token(s, None, s.merge(store.users["cmo"]), "t")


@pytest.mark.parametrize(
    "sql,broken,word",
    [
        ('UPDATE audit_entries SET details = \'{"role": "admin"}\' WHERE seq = 4', 4, "edited"),
        ("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 9", 9, "edited"),
        ("DELETE FROM audit_entries WHERE seq = 5", 5, "missing"),
        ("DELETE FROM audit_entries WHERE seq >= 12", 12, "deleted"),
    ],
)
def test_editing_or_deleting_a_past_entry_is_detected(store, sql, broken, word):
    _fill(store)
    with store.session() as s:
        assert audit.verify(s).ok
    _tamper(store, sql)
    with store.session() as s:
        r = audit.verify(s)
    assert not r.ok and r.broken_seq == broken and word in r.reason


def test_rehashing_an_edited_entry_still_breaks_the_next_link(store):
    _fill(store)
    with store.session() as s:
        e = s.get(audit.AuditEntry, 3)
        fields = audit.entry_fields(e) | {"actor": "forged"}
        forged = audit.entry_hash(audit.session_key(s), fields, e.prev_hash)
    _tamper(store, f"UPDATE audit_entries SET actor = 'forged', hash = '{forged}' WHERE seq = 3")
    with store.session() as s:
        r = audit.verify(s)
    assert not r.ok and r.broken_seq == 4


def test_cli_audit_verify_exits_nonzero_naming_the_entry(store, db_url, tmp_path):
    _fill(store)
    env = server_env(db_url, tmp_path)
    ok = candor(["audit", "verify"], env)
    assert ok.returncode == 0 and "chain intact" in ok.stdout
    _tamper(store, "UPDATE audit_entries SET action = 'nothing.happened' WHERE seq = 7")
    bad = candor(["audit", "verify"], env)
    assert bad.returncode == 1 and "entry 7" in bad.stderr


def test_cli_users_create_and_token(tmp_path):
    env = server_env(f"sqlite:///{tmp_path}/u.db", tmp_path)
    r = candor(["users", "create", "--role", "cmo", "--email", "Carla@Corp.example"], env)
    assert r.returncode == 0 and "one-time password: " in r.stdout
    r = candor(["users", "token", "--email", "carla@corp.example"], env)
    assert r.returncode == 0 and r.stdout.strip().startswith("cnd_")
    r = candor(["users", "create", "--role", "boss", "--email", "x@corp.example"], env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = candor(["users", "create", "--role", "cmo", "--email", "carla@corp.example"], env)
    assert r.returncode == 2 and "already exists" in r.stderr
    db = Database.from_url(f"sqlite:///{tmp_path}/u.db")
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
        pw = conn.execute(text("SELECT password_hash FROM users")).scalar()
    db.dispose()
    assert stored and all(len(h) == 64 for h in stored) and pw.startswith("$argon2id$")


def test_cli_audit_list_prints_json_lines_with_iso_8601_times(store, db_url, tmp_path):
    _fill(store, n=2)
    r = candor(["audit", "list"], server_env(db_url, tmp_path))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) >= 2 and all(datetime.fromisoformat(e["at"]).tzinfo for e in rows)
