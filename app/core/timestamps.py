"""One meaning for a timestamp: a timezone-aware `datetime` in UTC, written as ISO 8601.

The store keeps `datetime`s (app.store.types.UTCDateTime); API bodies, audit details and CLI output
carry `isoformat()` strings (`2026-12-01T13:22:24.123456+00:00`), the form stored before the
columns were typed, so clients see the same strings as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema


def utcnow() -> datetime:
    """Timezone-aware now in UTC."""
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset (None stays None); a naive value is refused, never guessed."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: timestamps must carry a timezone")
    return value.isoformat()


def utc_text(value: datetime, *, seconds: bool = True) -> str:
    """A timestamp for people: `2026-12-01 13:22:24 UTC` (or `2026-12-01 13:22 UTC`)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda v: iso(v), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A response-model field: a UTC `datetime` inside, an ISO 8601 string with offset in JSON."""
