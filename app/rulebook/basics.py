"""The parts of the rule schema the check path needs at run time — finding levels, the rule
filter, regex compilation — without pydantic: `candor check` imports these on every run, so they
stay in a module that loads in microseconds (app/rulebook/compiled.py, bench/bench_cli.py)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Three levels, as in Vale: only `error` makes `candor check` exit 1 and blocks approval."""

    suggestion = "suggestion"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        """Order for sorting: errors first when sorting descending."""
        return {"suggestion": 0, "warning": 1, "error": 2}[self.value]


def applies(
    header: Any,
    *,
    tone: str | None,
    jurisdictions: list[str],
    channel: str = "letter",
    language: str = "en",
) -> bool:
    """True when a rule's `tones`/`jurisdictions`/`channels`/`languages` filters admit this check run."""
    if header.tones and tone and tone not in header.tones:
        return False
    if getattr(header, "channels", None) and channel not in header.channels:
        return False
    if language not in getattr(header, "languages", ("en",)):
        return False
    if header.jurisdictions and not set(header.jurisdictions) & set(jurisdictions):
        return False
    return True


def compile_regex(pattern: str, *, ignorecase: bool = True) -> re.Pattern[str]:
    """Compile a rule regex; `re.error` is re-raised as ValueError so pydantic reports the field."""
    try:
        return re.compile(pattern, re.IGNORECASE | re.MULTILINE if ignorecase else re.MULTILINE)
    except re.error as exc:  # NOTE: re.error is not a ValueError; pydantic would let it escape.
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
