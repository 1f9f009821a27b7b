"""The one JSON error body as a pydantic model, for the OpenAPI document.

It lives here, not in app.core.errors, so `candor check` (which raises those errors) never imports
pydantic: the check path's start-up time is measured against proselint's (bench/bench_cli.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import ERROR_CODES


class ErrorDetail(BaseModel):
    """One thing to fix: the field path (`facts.affected[0].count`, `If-Match`, `(body)`) and what
    is wrong with it; `value` carries the fact a client acts on (a 409's current version)."""

    model_config = ConfigDict(extra="allow")

    field: str
    message: str
    value: Any = Field(
        None, description="Present when the server names a value (e.g. the current version)."
    )


class ErrorInfo(BaseModel):
    """The error: a stable code, a sentence that says what to do, and the details."""

    code: Literal[tuple(ERROR_CODES)] = Field(  # type: ignore[valid-type]
        description="; ".join(f"`{c}`: {d}" for c, d in ERROR_CODES.items())
    )
    message: str
    details: list[ErrorDetail] = Field(
        description="Always a list; empty when nothing is per field."
    )


class ErrorBody(BaseModel):
    """The one JSON error body every API error has (documented for every status in OpenAPI)."""

    error: ErrorInfo
