"""Column types the store shares: UTC timestamps that stay timezone-aware on SQLite too.

PostgreSQL keeps `timestamp with time zone`; SQLite has no such type, so SQLAlchemy writes a
fixed-width `YYYY-MM-DD HH:MM:SS.ffffff` text that sorts and compares correctly, and drops the
offset. `UTCDateTime` converts every value to UTC before writing and marks values read back as
UTC, so code always sees aware datetimes and comparisons are between instants, not strings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that accepts only aware datetimes and returns them in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive values (their zone is a guess); store UTC (without offset on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware UTC whatever the connection's time zone (SQLite values were written in UTC)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
