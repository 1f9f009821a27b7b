"""Optimistic locking over HTTP: the version a client edited, from If-Match (an ETag) or a body field.

Drafts and facts both send `ETag: "N"` (the version number) on reads; a write names the version it
edited in `If-Match: "N"` or in the body's `base_version`, and gets 409 when N is no longer current.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from app.core.errors import InvalidInput

MAX_VERSION = 2**31 - 1
IfMatch = Annotated[
    str | None,
    Header(
        max_length=40,
        pattern=r'^(W/)?"?[0-9]{1,10}"?$',
        description='The version you edited, as its ETag: `"3"`.',
    ),
]


def set_etag(response: Response, number: int) -> None:
    """Send the version number as the ETag (a client sends it back in If-Match)."""
    response.headers["ETag"] = f'"{number}"'


def base_version(if_match: str | None, body_value: int | None, field: str = "base_version") -> int:
    """The version the client edited; 422 when neither is given, If-Match is malformed or they disagree."""
    if if_match is not None:
        raw = if_match.strip().removeprefix("W/").strip('"')
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_VERSION:
            raise InvalidInput(
                'If-Match must be the version number you edited, e.g. "3".',
                details=[{"field": "If-Match", "message": "a version number in quotes"}],
            )
        if body_value is not None and body_value != int(raw):
            raise InvalidInput(
                f"If-Match and {field} disagree; send one of them.",
                details=[{"field": field, "message": "must equal If-Match"}],
            )
        return int(raw)
    if body_value is None:
        raise InvalidInput(
            f"Say which version you edited: send {field} or an If-Match header.",
            details=[{"field": field, "message": "required (or If-Match)"}],
        )
    return body_value
