"""Engine and session factory for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, foreign keys on and a busy timeout. Write sessions (`Database.sessions`) open their
transaction with BEGIN IMMEDIATE, so writers queue for the lock instead of failing with "database is
locked" when a read lock must be upgraded under concurrency. Read sessions (`Database.reads`) use a
plain deferred BEGIN: under WAL they read the last committed snapshot and never wait for a writer.
A write session's transaction that only reads (the look-ups before a save's check) is opened with
`begin_read` so it does not take the write lock either. The SQLite pool keeps a connection per
concurrent request: a connection opened past the pool's size is closed after use, and a new one
pays the PRAGMAs and the schema read again.
Sessions carry the audit key in `session.info` (see app.core.audit_key) for app.workflow.audit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.core.audit_key import load_audit_key
from app.core.config import Settings

_WRITE_OPTION = "candor_write"
# Connections kept open for SQLite: a request holds at most one at a time, and the server runs sync
# routes on anyio's 40 worker threads, so 40 covers every request in flight without reconnecting
# (SQLAlchemy's default keeps 5 and reconnects for the 6th concurrent request).
SQLITE_POOL_SIZE = 40


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; creates the SQLite file's folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = not parsed.database or parsed.database == ":memory:"
        if not in_memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pool = (
            {} if in_memory else {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_SIZE}
        )
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@dataclass
class Database:
    """One engine plus its session factories; lives on `app.state.db`."""

    engine: Engine
    sessions: sessionmaker[Session]  # write sessions (BEGIN IMMEDIATE on SQLite)
    reads: sessionmaker[Session]  # read-only sessions (never wait for a writer on SQLite)

    @classmethod
    def from_url(cls, url: str, audit_key: bytes | None = None) -> Database:
        """Engine + factories for `url` (expire_on_commit off so returned rows stay readable).

        Without `audit_key` the store can be read but nothing can be appended to the audit log.
        """
        engine = make_engine(url)
        info = {"audit_key": audit_key} if audit_key else {}
        writer = engine.execution_options(**{_WRITE_OPTION: True})
        return cls(
            engine=engine,
            sessions=sessionmaker(writer, expire_on_commit=False, info=info),
            reads=sessionmaker(engine, expire_on_commit=False, info=info),
        )

    @classmethod
    def for_settings(cls, settings: Settings) -> Database:
        """The store named by CANDOR_DATABASE_URL, keyed with the configured audit key."""
        return cls.from_url(settings.DATABASE_URL, audit_key=load_audit_key(settings))

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite store."""
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def begin_read(session: Session) -> None:
    """Open `session`'s transaction as a read (SQLite: a deferred BEGIN, no write lock), so a write
    session can read what it needs before slow work without making other writers wait.

    A write in this transaction is refused on SQLite when another writer got there first
    ("database is locked"), so write in a new one. A session already holding its connection keeps
    its transaction as it is (SQLAlchemy would ignore the option with a warning).
    """
    transaction = session.get_transaction()
    if transaction is not None and getattr(transaction, "_connections", None):
        return
    session.connection(execution_options={_WRITE_OPTION: False})


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_db(request: Request) -> AsyncIterator[Session]:
    """Request dependency: one Session per request, always closed (rolled back if not committed).

    GET/HEAD get a read session; a GET route that writes (an audited download) asks for
    `get_write_db` instead. Making a Session opens no connection, so it is made on the event loop
    (a plain generator would cost a worker-thread hand-off); closing it may talk to the database
    (a rollback), so that runs in a worker thread.
    """
    db = request.app.state.db
    session = (db.reads if request.method in READ_METHODS else db.sessions)()
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)


async def get_write_db(request: Request) -> AsyncIterator[Session]:
    """Request dependency: a write session whatever the method (for GETs that record an audit entry)."""
    session = request.app.state.db.sessions()
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)
