"""Draft one letter: facts + rulebook + tone + jurisdiction -> rendered text."""

from __future__ import annotations

from pathlib import Path

from app.domain.facts import IncidentFacts
from app.letters.context import build_context
from app.letters.render import RenderedLetter, render_letter, template_name
from app.rulebook.loader import Rulebook


def draft_letter(
    facts: IncidentFacts,
    rulebook: Rulebook,
    templates_dir: Path,
    *,
    tone: str,
    jurisdiction: str | None = None,
    jurisdictions: list[str] | None = None,
) -> RenderedLetter:
    """Render the letter for one jurisdiction, or for a variant's laws (`jurisdictions`), and tone."""
    ctx = build_context(
        facts,
        rulebook,
        jurisdiction=jurisdiction,
        jurisdictions=jurisdictions,
        tone=tone,
        templates_dir=templates_dir,
    )
    return RenderedLetter(
        text=render_letter(ctx, templates_dir),
        tone=tone,
        jurisdiction=ctx.jurisdiction,
        template=template_name(tone),
    )
