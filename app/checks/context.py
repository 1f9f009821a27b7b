"""What one check run knows: the segmented text, the rulebook, the facts and the selection.

Built once by the engine and passed to every check function, so no check re-segments the
text or reads settings on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.checks.text import Document

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.domain.facts import IncidentFacts
    from app.rulebook.loader import Rulebook


@dataclass
class CheckContext:
    """Inputs shared by all checks of one run, plus side results checks report besides findings."""

    doc: Document
    rulebook: Rulebook
    settings: Settings | None = None
    facts: IncidentFacts | None = None
    jurisdictions: tuple[str, ...] = ()
    tone: str | None = None
    channel: str = "letter"  # the artifact kind (app/domain/channels.py): picks channel rules
    language: str = (
        "en"  # the text's language: picks rules, element detectors, readability formulas
    )
    # Side results filled by checks (the engine copies them into the Report).
    empathy: list[Any] = field(default_factory=list)
    elements: list[Any] = field(default_factory=list)
    found: dict[str, Any] | None = None  # element id -> evidence, detected once per run
    readability: dict[str, float] = field(default_factory=dict)
    counts: Any = None  # the prose's readability Counts, summed once per run (readability.py)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The checked text."""
        return self.doc.text

    def forbids(self, element: str) -> bool:
        """True when a selected jurisdiction prohibits `element` and none of them requires it."""
        laws = [
            self.rulebook.jurisdictions[j]
            for j in self.jurisdictions
            if j in self.rulebook.jurisdictions
        ]
        return any(element in r.prohibits for r in laws) and not any(
            element in r.requires for r in laws
        )
