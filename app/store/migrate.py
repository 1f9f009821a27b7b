"""Apply pending Alembic migrations programmatically (start-up, `candor serve`, tests).

A PostgreSQL advisory lock keeps two processes starting at once from migrating together;
SQLite's BEGIN IMMEDIATE does the same job there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x43414E44  # "CAND"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the latest; no-op when current)."""
    _migrate(engine, lambda cfg: command.upgrade(cfg, revision))


def create_current(engine: Engine) -> None:
    """Make a new, empty database at the latest schema: the tables from the models (they match
    the migrations: tests/store checks it on SQLite and PostgreSQL) and Alembic's revision set to
    head, so a later :func:`upgrade` applies only newer migrations. A fraction of the CPU of
    running every migration (0.15 against 0.66 CPU-s for SQLite), for databases made per run
    (`candor merge`'s job database)."""
    from app.store import merge_models  # noqa: F401 - registers the merge tables
    from app.store.models import Base

    Base.metadata.create_all(engine)
    _migrate(engine, lambda cfg: command.stamp(cfg, "head"))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` (operators' rollback; tests of the data conversions)."""
    _migrate(engine, lambda cfg: command.downgrade(cfg, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    """Run an Alembic command on one connection, in one transaction.

    On SQLite, foreign-key enforcement is off while migrating: changing a column rebuilds its table
    (copy, drop, rename), and dropping a table that others reference would fail or cascade. SQLite
    ignores that pragma inside a transaction, so it is set on the raw connection before BEGIN, and
    `PRAGMA foreign_key_check` must come back empty before the migration commits.
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                cfg.attributes["connection"] = conn
                run(cfg)
                if sqlite:
                    _refuse_broken_references(conn)
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _refuse_broken_references(conn: Connection) -> None:
    """Roll the migration back when it left a row pointing at a missing one."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _fk = broken[0]
        raise RuntimeError(
            f"migration left {len(broken)} broken reference(s), e.g. {table} row {rowid} -> {parent}; "
            "nothing was changed"
        )


def migration_state(engine: Engine) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(revisions the database is at, head revisions of the code); equal when nothing is pending."""
    script = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    )
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return tuple(sorted(current)), tuple(sorted(script.get_heads()))
