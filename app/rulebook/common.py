"""Shared pieces of the rule-file schema: strict base model, regex fields, levels, examples."""

from __future__ import annotations

import string
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.rulebook.basics import (  # noqa: F401 - re-exported: the schema's shared pieces
    Severity,
    applies,
    compile_regex,
)


class StrictModel(BaseModel):
    """Rule-file models reject unknown keys so a typo fails the load instead of silently doing nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def _valid_regex(pattern: str) -> str:
    compile_regex(pattern)
    return pattern


Regex = Annotated[str, AfterValidator(_valid_regex)]
RegexText = Annotated[str, "regex"]
"""A regex its rule's own validator compiles (after expanding macros): typed so that code reading
the schema (app/rulebook/compiled.py) knows it is a regex, with no validation of its own."""


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
