"""Apply pending Alembic migrations programmatically (start-up, `candor serve`, tests).

A PostgreSQL advisory lock keeps two processes starting at once from migrating together;
SQLite's BEGIN IMMEDIATE does the same job there.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x43414E44  # "CAND"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest revision (no-op when current)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def migration_state(engine: Engine) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(revisions the database is at, head revisions of the code); equal when nothing is pending."""
    script = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    )
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return tuple(sorted(current)), tuple(sorted(script.get_heads()))
