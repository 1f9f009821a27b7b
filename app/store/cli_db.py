"""A migrated store and a Session for CLI commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.store.db import Database
from app.store.migrate import upgrade


@contextmanager
def open_store(settings: Settings) -> Iterator[Session]:
    """Open the store named by CANDOR_DATABASE_URL (migrating it first) and yield a Session."""
    db = Database.for_settings(settings)
    try:
        upgrade(db.engine)
        with db.sessions() as session:
            yield session
    finally:
        db.dispose()
