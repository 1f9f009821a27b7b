"""Candor's own artifacts in tests: draft one from example facts and check it as the editor would
(one jurisdiction, no grammar server unless asked), the golden letters' variants and the
readability targets the drafted letters meet."""

from __future__ import annotations

from app.checks.base import Report
from app.checks.engine import run_checks
from app.core.config import PROJECT_ROOT, Settings
from app.domain.facts import IncidentFacts
from app.letters.artifacts import draft_artifact
from app.rulebook.loader import Rulebook

TEMPLATES = PROJECT_ROOT / "templates" / "letters"
GOLDEN_LETTERS = PROJECT_ROOT / "tests" / "golden" / "letters"
# The single-law variants of each example with an English golden letter per tone (tests/golden/letters).
GOLDEN_VARIANTS = {
    "retailer-card-breach": [
        "US-GENERIC",
        "US-CA",
        "US-MA",
        "US-NY",
        "US-OR",
        "US-MD",
        "US-NC",
        "US-RI",
        "US-DC",
        "US-IA",
    ],
    "hospital-ransomware": ["US-HIPAA", "US-GENERIC", "US-MA"],
    "saas-credentials": ["US-GENERIC", "US-CA", "US-MA", "EU-GDPR"],
}
# Readability Candor's own letters meet (issue 10.8): Flesch-Kincaid grade at most, per tone, and
# Flesch Reading Ease at least for the plain tone.
MAX_GRADE = {"plain": 6.0, "empathetic": 8.0, "formal": 10.0}
MIN_EASE = {"plain": 70.0}


def draft(
    facts: IncidentFacts,
    rulebook: Rulebook,
    *,
    tone: str,
    jurisdiction: str,
    channel: str = "letter",
    language: str = "en",
) -> str:
    """The text of one artifact drafted from the repository's templates."""
    return draft_artifact(
        facts,
        rulebook,
        TEMPLATES,
        tone=tone,
        channel=channel,
        language=language,
        jurisdiction=jurisdiction,
    ).text


def check(
    text: str,
    facts: IncidentFacts | None,
    rulebook: Rulebook,
    settings: Settings,
    *,
    tone: str,
    jurisdiction: str | tuple[str, ...],
    channel: str = "letter",
    language: str = "en",
    grammar: bool = False,
) -> Report:
    """`run_checks` on `text` for a jurisdiction (or a variant's several), channel and language."""
    return run_checks(
        text,
        rulebook=rulebook,
        settings=settings,
        facts=facts,
        jurisdictions=(jurisdiction,) if isinstance(jurisdiction, str) else jurisdiction,
        tone=tone,
        grammar=grammar,
        channel=channel,
        language=language,
    )
