"""Shared pieces of the rule-file schema: strict base model, regex fields, levels, examples."""

from __future__ import annotations

import re
import string
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """Three levels, as in Vale: only `error` makes `candor check` exit 1 and blocks approval."""

    suggestion = "suggestion"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        """Order for sorting: errors first when sorting descending."""
        return {"suggestion": 0, "warning": 1, "error": 2}[self.value]


class StrictModel(BaseModel):
    """Rule-file models reject unknown keys so a typo fails the load instead of silently doing nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def compile_regex(pattern: str, *, ignorecase: bool = True) -> re.Pattern[str]:
    """Compile a rule regex; `re.error` is re-raised as ValueError so pydantic reports the field."""
    try:
        return re.compile(pattern, re.IGNORECASE | re.MULTILINE if ignorecase else re.MULTILINE)
    except re.error as exc:  # NOTE: re.error is not a ValueError; pydantic would let it escape.
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc


def _valid_regex(pattern: str) -> str:
    compile_regex(pattern)
    return pattern


Regex = Annotated[str, AfterValidator(_valid_regex)]


class Examples(StrictModel):
    """Sentences the rule must flag and must let pass; run by tests/rules/test_examples.py."""

    flag: list[str] = Field(default_factory=list)
    # `pass` is a Python keyword.
    pass_: list[str] = Field(default_factory=list, alias="pass")
    facts: dict[str, Any] | None = Field(
        None, description="Incident facts the examples are checked with (facts-aware rules)."
    )
    jurisdictions: list[str] = Field(
        default_factory=list, description="Jurisdictions the examples are checked for."
    )


class RuleHeader(StrictModel):
    """Keys every rule file may carry."""

    message: str = ""
    level: Severity = Severity.warning
    description: str = ""
    source: str = ""
    link: str = ""
    tones: list[str] = Field(
        default_factory=list, description="Tones the rule applies to; empty = all."
    )
    jurisdictions: list[str] = Field(
        default_factory=list, description="Jurisdictions the rule applies to; empty = all."
    )
    channels: list[Literal["letter", "email", "website", "faq", "regulator", "press"]] = Field(
        default_factory=list,
        description="Channels (artifact kinds) the rule applies to; empty = all.",
    )
    languages: list[Literal["en", "es"]] = Field(
        default_factory=lambda: ["en"],
        description="Languages of the text the rule reads; default English only (its words are English).",
    )
    examples: Examples | None = None


def check_placeholders(message: str, allowed: set[str]) -> str:
    """Reject `{name}` placeholders the kind does not fill (caught at load, not at the first finding)."""
    for _, name, _, _ in string.Formatter().parse(message):
        if name is None:
            continue
        if name not in allowed:
            raise ValueError(
                f"message: unknown placeholder {{{name}}}; allowed: {', '.join('{' + a + '}' for a in sorted(allowed)) or 'none'}"
            )
    return message


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
