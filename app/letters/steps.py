"""The recipient's steps: which a letter carries, in which order, in which words.

Why compiled once: the steps' wording lives in templates/letters/content.yml (writers change it
without a code change), and everything about a step that does not depend on the facts (its
triggers as sets, its words in each tone, and the finished Step where none of its texts is a
template) is worked out once per templates folder and tone (`tone_steps`). A draft then only
ranks the steps against the facts and renders the few texts that print a fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

from app.domain.datatypes import DataType
from app.domain.facts import IncidentFacts
from app.letters.content import (
    StepDef,
    StepInstead,
    load_content,
    render_text,
    step_register,
    text_names,
)
from app.letters.fitting import Audience
from app.letters.remediation_reading import Reading


@dataclass(frozen=True)
class Step:
    """One action for the recipient, with the reason it matters."""

    id: str = field(
        metadata={
            "help": "Stable id from templates/letters/content.yml: freeze, card, passwords, monitoring, statements, fraud_alert, credit_reports, benefits, phishing."
        }
    )
    title: str = field(metadata={"help": "The action, imperative: 'Freeze your credit.'"})
    reason: str = field(metadata={"help": "Why, in one sentence."})
    detail: str = field(
        default="", metadata={"help": "How, in one or two sentences (may be empty)."}
    )
    deadline: str = field(
        default="", metadata={"help": "The date to act by, as text (may be empty)."}
    )


@dataclass(frozen=True, eq=False)
class Wording:
    """A step's title, reason, detail and deadline in one tone (content.yml's Jinja texts).

    Compared and hashed by identity: with the values its texts read, the key of `_rendered`."""

    id: str
    texts: tuple[str, str, str, str]
    templates_dir: str
    ready: Step | None
    """The Step itself when none of the texts is a template (the same for every letter)."""
    names: tuple[str, ...] | None
    """The names its texts read when they only print and test them (the Step is then kept per
    their values: the same offer in every tone, re-render and merge); None: rendered each time."""

    @classmethod
    def of(
        cls, step: StepDef, text: StepDef | StepInstead, tone: str, templates_dir: str
    ) -> Wording:
        """`step`'s wording (`text`: the step or one of its `instead`s) in `tone`."""
        words = step_register(text, tone)
        texts = (words.title, words.reason, words.detail, step.deadline)
        ready = None if any("{" in t for t in texts) else Step(step.id, *texts)
        read = [text_names(templates_dir, t) for t in texts]
        names = None if None in read else tuple(sorted(set().union(*read)))  # type: ignore[arg-type]
        return cls(step.id, texts, templates_dir, ready, names)

    def step(self, variables: dict[str, Any]) -> Step:
        """The Step, its templates rendered with the letter's values."""
        if self.ready is not None:
            return self.ready
        if self.names is not None:
            try:
                return _rendered(
                    self, tuple((type(v), v) for v in map(variables.__getitem__, self.names))
                )
            except (KeyError, TypeError):  # a name not given (rendering says which) or unhashable
                pass
        return self.render(variables)

    def render(self, variables: dict[str, Any]) -> Step:
        """The Step, each text rendered in the letters' sandbox."""
        return Step(self.id, *(render_text(self.templates_dir, t, variables) for t in self.texts))


@lru_cache(maxsize=1024)
def _rendered(wording: Wording, values: tuple[tuple[type, Any], ...]) -> Step:
    """A pure wording's Step for these (type, value)s of its names (the type is in the key
    because `1 == True` but they print differently)."""
    return wording.render({n: v for n, (_, v) in zip(wording.names or (), values, strict=True)})


@dataclass(frozen=True)
class ToneStep:
    """One step of content.yml for one tone: its triggers and its wordings."""

    region: str
    data_types: frozenset[DataType]
    elements: frozenset[str]
    monitoring_offered: bool
    always: bool
    wording: Wording
    instead: tuple[tuple[str, Wording], ...]
    """(remediation pattern, wording) pairs: the first whose pattern the remediation matches wins."""

    def rank(self, exposed: frozenset[DataType], offered: bool, audience: Audience) -> int | None:
        """0: the data or the offer calls for it; 1: only a law asks for it; 2: always; None: not
        in this letter."""
        if not audience.region_ok(self.region):
            return None
        if not exposed.isdisjoint(self.data_types) or (self.monitoring_offered and offered):
            return 0
        if not audience.include.isdisjoint(self.elements):
            return 1
        return 2 if self.always else None

    def words(self, reading: Reading) -> Wording:
        """Its `instead` wording when the remediation says the step is done, else its own."""
        for pattern, wording in self.instead:
            if pattern in reading.done:
                return wording
        return self.wording


@lru_cache(maxsize=64)
def tone_steps(templates_dir: str, tone: str) -> tuple[ToneStep, ...]:
    """The templates folder's steps for one tone, in content.yml's order of protection."""
    return tuple(
        ToneStep(
            region=s.region,
            data_types=frozenset(s.when.data_types),
            elements=frozenset(s.when.elements),
            monitoring_offered=s.when.monitoring_offered,
            always=s.when.always,
            wording=Wording.of(s, s, tone, templates_dir),
            instead=tuple(
                (alt.remediation, Wording.of(s, alt, tone, templates_dir)) for alt in s.instead
            ),
        )
        for s in load_content(templates_dir).steps
    )


def letter_steps(
    templates_dir: str,
    tone: str,
    facts: IncidentFacts,
    audience: Audience,
    reading: Reading,
    variables: dict[str, Any],
) -> tuple[Step, ...]:
    """The steps this letter carries, most protective first (data-fitted, then law-required, then
    always; content.yml's order within each), in the tone's words."""
    exposed = frozenset(facts.data_types)
    offered = facts.services.credit_monitoring is not None
    ranked = [
        (r, s)
        for s in tone_steps(templates_dir, tone)
        if (r := s.rank(exposed, offered, audience)) is not None
    ]
    ranked.sort(key=itemgetter(0))  # (stable: content.yml's order within a rank)
    return tuple(s.words(reading).step(variables) for _, s in ranked)
