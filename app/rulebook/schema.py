"""The rule-file schema: one pydantic model per `kind`, a closed discriminated union.

Adding a kind means one model here, one check module in app/checks/, one registry entry and
docs in docs/rule-format.md (tests/test_docs.py keeps them in step).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from app.rulebook.channel_schema import ChannelElements
from app.rulebook.common import (
    Examples,
    Regex,
    RegexText,
    RuleHeader,
    StrictModel,
    check_placeholders,
    compile_regex,
)
from app.rulebook.legal_schema import Agency, LegalRule
from app.rulebook.sentence_schema import SentencePattern


class ElementDef(StrictModel):
    """One legal element: how to name it, how to find it in free text."""

    label: str = Field(min_length=1)
    hint: str = Field(min_length=1, description="What to write to satisfy it.")
    detect: list[Regex] = Field(
        min_length=1, description="Any-of regexes (case-insensitive) that show the element."
    )
    exclude: list[Regex] = Field(
        default_factory=list,
        description="A match inside a sentence that also matches one of these does not count.",
    )
    all_of: list[Regex] = Field(
        default_factory=list,
        description="The evidence sentence must also match every one of these.",
    )
    headings: list[Regex] = Field(
        default_factory=list, description="Section headings that mark the element."
    )
    heading_requires: list[Regex] = Field(
        default_factory=list,
        description="A matching heading counts only when the text of its section matches one of "
        "these (a 'What You Can Do' heading over an offer or an announcement gives no advice).",
    )
    scope: Literal["sentence", "paragraph", "document"] = Field(
        "sentence", description="Unit a match is evaluated in."
    )
    format_rule: bool = Field(
        False, description="A format requirement (title, headings) rather than content."
    )
    examples: Examples | None = Field(
        None,
        description="`flag`: texts that show the element (must be detected); `pass`: near-misses that must not "
        "be. Run by tests/rules/test_element_examples.py, so a detector change cannot break them silently.",
    )


_MACRO = re.compile(r"%\{([A-Z][A-Z0-9_]*)\}")


def expand_macros(pattern: str, macros: dict[str, str]) -> str:
    """Replace `%{NAME}` with the macro's regex (as a non-capturing group); unknown names are errors."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise ValueError(
                f"unknown macro %{{{name}}}; defined: {', '.join(sorted(macros)) or 'none'}"
            )
        return f"(?:{macros[name]})"

    return _MACRO.sub(repl, pattern)


class ElementVocabulary(RuleHeader):
    """`kind: element_vocabulary` — the shared element ids and their detectors.

    `macros` names regex fragments (`DATE: '...'`) that detectors use as `%{DATE}`; they are
    expanded at load and the expanded regexes are compiled there, so a bad macro fails the load.
    """

    kind: Literal["element_vocabulary"]
    macros: dict[str, Regex] = Field(
        default_factory=dict, description="Named regex fragments, used as %{NAME}."
    )
    elements: dict[str, ElementDef]

    @model_validator(mode="after")
    def _expand(self) -> ElementVocabulary:
        expanded: dict[str, ElementDef] = {}
        for eid, edef in self.elements.items():
            update: dict[str, list[str]] = {}
            for key in ("detect", "exclude", "all_of", "headings", "heading_requires"):
                patterns = []
                for i, pat in enumerate(getattr(edef, key)):
                    try:
                        full = expand_macros(pat, self.macros)
                        compile_regex(full)
                    except ValueError as exc:
                        raise ValueError(f"elements.{eid}.{key}.{i}: {exc}") from None
                    patterns.append(full)
                update[key] = patterns
            expanded[eid] = edef.model_copy(update=update)
        object.__setattr__(self, "elements", expanded)
        return self

    @field_validator("elements")
    @classmethod
    def _ids_are_snake_case(cls, value: dict[str, ElementDef]) -> dict[str, ElementDef]:
        for key in value:
            if not key.replace("_", "").isalnum() or not key.islower():
                raise ValueError(f"element id {key!r} must be lower_snake_case")
        return value


class Phrases(RuleHeader):
    """`kind: phrases` — `avoid` flags each token; `require` flags the document when fewer than `min` match."""

    kind: Literal["phrases"]
    mode: Literal["avoid", "require"] = "avoid"
    min: int = Field(1, ge=1)
    ignorecase: bool = True
    tokens: list[Regex] = Field(min_length=1)
    exceptions: list[Regex] = Field(
        default_factory=list, description="Matches inside these are not flagged."
    )
    component: (
        Literal["responsibility", "repair", "regret", "explanation", "repentance", "forgiveness"]
        | None
    ) = Field(
        None, description="Apology component this rule detects (reported in the empathy section)."
    )
    weight: int = Field(
        0, ge=0, description="Weight of the component from the research (higher matters more)."
    )
    unless: list[Regex] = Field(
        default_factory=list,
        description="avoid mode: no finding when the document also matches one of these.",
    )
    skip_when_prohibited: list[str] = Field(
        default_factory=list,
        description="Element ids: the rule is not run for a letter whose jurisdictions forbid one of them (and none requires it), "
        "so no advice contradicts the law (no 'explain what happened' for Massachusetts).",
    )
    admissions: bool = Field(
        False,
        description="Also count the admissions policy's phrases as tokens, but only when that policy allows admissions.",
    )

    @model_validator(mode="after")
    def _message(self) -> Phrases:
        if not self.message:
            raise ValueError("message: required; say what to change")
        check_placeholders(self.message, {"match"} if self.mode == "avoid" else set())
        return self


class Substitution(RuleHeader):
    """`kind: substitution` — a `swap` map from a phrase to avoid to a better one."""

    kind: Literal["substitution"]
    ignorecase: bool = True
    swap: dict[RegexText, str] = Field(min_length=1)

    @model_validator(mode="after")
    def _validate(self) -> Substitution:
        if not self.message:
            raise ValueError("message: required; say what to change")
        check_placeholders(self.message, {"match", "suggestion"})
        for pattern in self.swap:
            compile_regex(pattern)
        return self


class Conditional(RuleHeader):
    """`kind: conditional` — when `if` matches the text, `then` must match too."""

    kind: Literal["conditional"]
    if_: Regex = Field(alias="if")
    then: Regex
    when_data_types: list[str] = Field(
        default_factory=list, description="Also (or only, without `if`) when facts expose these."
    )

    @model_validator(mode="after")
    def _message(self) -> Conditional:
        if not self.message:
            raise ValueError("message: required; say what to add")
        check_placeholders(self.message, {"match"})
        return self


class Threshold(StrictModel):
    """A bound on one metric; explicit direction, never averaged with other metrics."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        return self


READABILITY_METRICS = (
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "words_per_sentence",
    "fernandez_huerta",
    "szigriszt_pazos",
)
"""The last two are Spanish formulas (used by rules with `languages: [es]`)."""


class Readability(RuleHeader):
    """`kind: readability` — textstat metrics against per-tone thresholds, per document, section or sentence."""

    kind: Literal["readability"]
    scope: Literal["document", "section", "sentence"] = "document"
    thresholds: dict[str, Threshold] = Field(min_length=1)
    min_words: int = Field(
        0, ge=0, description="Skip units shorter than this (metrics are noise on tiny text)."
    )

    @model_validator(mode="after")
    def _validate(self) -> Readability:
        for metric in self.thresholds:
            if metric not in READABILITY_METRICS:
                raise ValueError(
                    f"thresholds: unknown metric {metric!r}; use one of {', '.join(READABILITY_METRICS)}"
                )
        if not self.message:
            raise ValueError("message: required")
        check_placeholders(self.message, {"metric", "value", "limit", "op", "unit", "detail"})
        return self


class AgencyDirectory(RuleHeader):
    """`kind: agency_directory` — contact details of the FTC and consumer reporting agencies for letters."""

    kind: Literal["agency_directory"]
    reviewed: str = ""
    agencies: dict[str, Agency] = Field(min_length=1)


class AdmissionsPolicy(RuleHeader):
    """`kind: admissions_policy` — counsel's policy on admitting legal fault or negligence in letters.

    At most one per rulebook. `allow: false` (the default policy when no file exists): every
    `phrases` match is a finding with the counsel-accepted rewrite. `allow: true`: no findings,
    and responsibility rules with `admissions: true` count the phrases as owning responsibility.
    A policy is reviewable: it needs a reason, who decided it and when.
    """

    kind: Literal["admissions_policy"]
    allow: bool = Field(False, description="True lets letters admit fault; needs counsel's reason.")
    reason: str = Field(
        min_length=10, description="Why counsel chose this policy (shown to reviewers)."
    )
    decided_by: str = Field(min_length=1, description="Who decided it (role or name).")
    reviewed: date = Field(description="When the policy was last reviewed.")
    phrases: dict[Regex, str] = Field(
        min_length=1, description="Admission phrase (regex) -> wording counsel accepts."
    )

    @model_validator(mode="after")
    def _message(self) -> AdmissionsPolicy:
        if not self.message:
            raise ValueError("message: required; say what to change")
        check_placeholders(self.message, {"match", "suggestion"})
        return self


ClaimCondition = Literal[
    "always", "response_same_day", "investigation_recorded", "no_misuse_recorded"
]


class Claim(RuleHeader):
    """`kind: claim` — a claim the letter may make only when the incident facts support it.

    `swap` maps the claim (regex) to a rewrite that claims nothing more than the facts. `unless_facts`
    names what in the facts supports the claim: `always` (never supported: guarantees, promises
    about what the organisation will never do), `response_same_day` (supported when the facts show
    the breach contained on the day it was discovered), `investigation_recorded` (supported when the
    facts' summary or remediation records an investigation), `no_misuse_recorded` (supported unless
    the facts record evidence that the data was misused). A facts-dependent claim is not judged
    when no facts are given (the report notes it).
    """

    kind: Literal["claim"]
    ignorecase: bool = True
    unless_facts: ClaimCondition = "always"
    swap: dict[Regex, str] = Field(min_length=1)

    @model_validator(mode="after")
    def _message(self) -> Claim:
        if not self.message:
            raise ValueError("message: required; say what to change")
        check_placeholders(self.message, {"match", "suggestion"})
        return self


Rule = Annotated[
    ElementVocabulary
    | LegalRule
    | Phrases
    | Substitution
    | Conditional
    | Readability
    | AgencyDirectory
    | SentencePattern
    | AdmissionsPolicy
    | Claim
    | ChannelElements,
    Field(discriminator="kind"),
]

KINDS: tuple[str, ...] = (
    "element_vocabulary",
    "legal_elements",
    "phrases",
    "substitution",
    "conditional",
    "readability",
    "agency_directory",
    "sentence_pattern",
    "admissions_policy",
    "claim",
    "channel_elements",
)
