"""The one Finding type every check produces, and the Report the CLI and API share.

Spans are half-open character offsets into the checked text (Python string indices);
document-level findings have `start = end = None`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.rulebook.common import Severity


class Finding(BaseModel):
    """One problem found in a letter: which rule, how bad, where, and how to fix it."""

    rule: str = Field(
        description="Rule id, from its file path (`empathy.hedging`) or a built-in id (`grammar.EN_A_VS_AN`)."
    )
    check: str = Field(
        description="Check kind that produced it: readability, phrases, substitution, conditional, legal, facts, grammar."
    )
    severity: Severity
    message: str = Field(description="What is wrong and how to fix it.")
    start: int | None = Field(
        None, description="Start offset (characters) in the text; null for document-level findings."
    )
    end: int | None = Field(
        None, description="End offset (exclusive); null for document-level findings."
    )
    suggestion: str | None = Field(
        None, description="Replacement text, when the check can propose one."
    )
    source: str | None = Field(
        None, description="Where the rule comes from: statute citation or study."
    )
    id: str = Field(
        "",
        description="Stable id of this finding on this text (rule + span + match), used by waivers.",
    )
    waived: bool = Field(
        False, description="True when a reviewer waived this finding on this version."
    )
    waiver_reason: str | None = None

    def sort_key(self) -> tuple[int, int, str]:
        """Sort by position (document-level first), then severity (worst first), then rule."""
        return (-1 if self.start is None else self.start, -self.severity.rank, self.rule)


class ElementResult(BaseModel):
    """Whether one legal element a jurisdiction requires or forbids is in the letter."""

    jurisdiction: str
    element: str
    requirement: Literal["required", "prohibited"]
    detected: bool
    ok: bool
    start: int | None = None
    end: int | None = None
    label: str = ""
    evidence: str | None = Field(
        None, description="The sentence that satisfies (or breaks) the requirement."
    )
    conditional: bool = Field(
        False, description="Required only because of the facts (e.g. SSNs exposed)."
    )
    citation: str | None = None
    unverified: bool = False


class EmpathyComponent(BaseModel):
    """One apology component from Lewicki et al. (2016), with its evidence span."""

    component: Literal[
        "responsibility", "repair", "regret", "explanation", "repentance", "forgiveness"
    ]
    detected: bool
    start: int | None = None
    end: int | None = None
    weight: int = Field(
        0, description="Relative importance from the research (higher matters more)."
    )


class GrammarStatus(BaseModel):
    """Whether grammar checking ran."""

    status: Literal["ok", "unavailable", "skipped"]
    detail: str = ""


class Report(BaseModel):
    """The check report; the CLI's `--format json` and the API return exactly this."""

    findings: list[Finding] = Field(default_factory=list)
    elements: list[ElementResult] = Field(default_factory=list)
    empathy: list[EmpathyComponent] = Field(default_factory=list)
    readability: dict[str, float] = Field(default_factory=dict)
    grammar: GrammarStatus = Field(default_factory=lambda: GrammarStatus(status="skipped"))
    rulebook: str = Field(
        "", description="Content hash of the rulebook the text was checked against."
    )
    stats: dict[str, Any] = Field(
        default_factory=dict, description="Counts per severity, characters, words."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What was not checked and why (e.g. conditional elements without facts).",
    )

    @property
    def has_errors(self) -> bool:
        """True when any unwaived error-level finding remains."""
        return any(f.severity is Severity.error and not f.waived for f in self.findings)
