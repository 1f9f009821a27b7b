"""The one Finding type every check produces, and the Report the CLI and API share.

Spans are half-open character offsets into the checked text (Python string indices);
document-level findings have `start = end = None`.

These are standard-library dataclasses, not pydantic models, so `candor check` never imports
pydantic (its import alone costs more than a linter's whole run; bench/bench_cli.py). pydantic
and FastAPI validate and serialise dataclasses natively (OpenAPI descriptions come from the
attribute docstrings), and `Model` gives them the pydantic methods the rest of Candor uses —
`model_dump`, `model_dump_json`, `model_validate`, `model_copy` — through a TypeAdapter built on
first use. Constructing one does not validate: checks build them from validated rules; data
from outside (stored reports, API bodies) goes through `model_validate`.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from app.rulebook.basics import Severity

M = TypeVar("M", bound="Model")
_ADAPTERS: dict[type, Any] = {}


def _adapter(cls: type) -> Any:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


class Model:
    """pydantic's model methods for a dataclass (validation and JSON through pydantic, lazily)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"use_attribute_docstrings": True}

    def model_dump(self, **kwargs: Any) -> Any:
        """The fields as Python data (`mode="json"` for JSON types), as pydantic's."""
        return _adapter(type(self)).dump_python(self, **kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        """The fields as a JSON string (`indent=2` for people), as pydantic's."""
        return _adapter(type(self)).dump_json(self, **kwargs).decode()

    @classmethod
    def model_validate(cls: type[M], obj: Any, **kwargs: Any) -> M:
        """Validate data (e.g. a stored report) into an instance; pydantic's ValidationError if bad."""
        return _adapter(cls).validate_python(obj, **kwargs)  # type: ignore[no-any-return]

    @classmethod
    def model_construct(cls: type[M], **values: Any) -> M:
        """An instance from trusted values, without validation (construction never validates)."""
        return cls(**values)

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        """The JSON schema pydantic generates for this type."""
        return _adapter(cls).json_schema(**kwargs)  # type: ignore[no-any-return]

    def model_copy(self: M, *, update: dict[str, Any] | None = None, deep: bool = False) -> M:
        """A copy with some fields replaced (not validated, as pydantic's)."""
        source = copy.deepcopy(self) if deep else self
        return dataclasses.replace(source, **(update or {}))  # type: ignore[type-var]


@dataclass
class Finding(Model):
    """One problem found in a letter: which rule, how bad, where, and how to fix it."""

    rule: str
    """Rule id, from its file path (`empathy.hedging`) or a built-in id (`grammar.EN_A_VS_AN`)."""
    check: str
    """Check kind that produced it: readability, phrases, substitution, conditional, legal, facts, grammar."""
    severity: Severity
    message: str
    """What is wrong and how to fix it."""
    start: int | None = None
    """Start offset (characters) in the text; null for document-level findings."""
    end: int | None = None
    """End offset (exclusive); null for document-level findings."""
    suggestion: str | None = None
    """Replacement text, when the check can propose one."""
    source: str | None = None
    """Where the rule comes from: statute citation or study."""
    id: str = ""
    """Stable id of this finding on this text (rule + span + match), used by waivers."""
    waived: bool = False
    """True when a reviewer waived this finding on this version."""
    waiver_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON data (as `model_dump(mode="json")`, without pydantic)."""
        return {**dataclasses.asdict(self), "severity": self.severity.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """A Finding from `to_json()` data (our own caches; outside data goes through `model_validate`)."""
        return cls(**{**data, "severity": Severity(data["severity"])})

    def sort_key(self) -> tuple[int, int, str]:
        """Sort by position (document-level first), then severity (worst first), then rule."""
        return (-1 if self.start is None else self.start, -self.severity.rank, self.rule)


@dataclass
class ElementResult(Model):
    """Whether one legal element a jurisdiction requires or forbids is in the letter."""

    jurisdiction: str
    element: str
    requirement: Literal["required", "prohibited"]
    detected: bool
    ok: bool
    start: int | None = None
    end: int | None = None
    label: str = ""
    evidence: str | None = None
    """The sentence that satisfies (or breaks) the requirement."""
    conditional: bool = False
    """Required only because of the facts (e.g. SSNs exposed)."""
    citation: str | None = None
    unverified: bool = False


@dataclass
class EmpathyComponent(Model):
    """One apology component from Lewicki et al. (2016), with its evidence span."""

    component: Literal[
        "responsibility", "repair", "regret", "explanation", "repentance", "forgiveness"
    ]
    detected: bool
    start: int | None = None
    end: int | None = None
    weight: int = 0
    """Relative importance from the research (higher matters more)."""


@dataclass
class GrammarStatus(Model):
    """Whether grammar checking ran."""

    status: Literal["ok", "unavailable", "skipped"]
    detail: str = ""


GRAMMAR_SKIPPED = "grammar check turned off"
"""Reason reported when the caller (or CANDOR_GRAMMAR_ENGINE=off) turned grammar checking off."""


def _skipped() -> GrammarStatus:
    return GrammarStatus(status="skipped")


@dataclass
class Report(Model):
    """The check report; the CLI's `--format json` and the API return exactly this."""

    findings: list[Finding] = field(default_factory=list)
    elements: list[ElementResult] = field(default_factory=list)
    empathy: list[EmpathyComponent] = field(default_factory=list)
    readability: dict[str, float] = field(default_factory=dict)
    grammar: GrammarStatus = field(default_factory=_skipped)
    rulebook: str = ""
    """Content hash of the rulebook the text was checked against."""
    stats: dict[str, Any] = field(default_factory=dict)
    """Counts per severity, characters, words."""
    notes: list[str] = field(default_factory=list)
    """What was not checked and why (e.g. conditional elements without facts)."""

    @property
    def has_errors(self) -> bool:
        """True when any unwaived error-level finding remains."""
        return any(f.severity is Severity.error and not f.waived for f in self.findings)
