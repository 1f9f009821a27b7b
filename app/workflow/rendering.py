"""A stored draft's text drawn from facts: the one place the workflow renders any artifact.

Creating a draft, re-drafting it, deciding whether a facts change makes it stale and previewing
new facts all need "this draft's text from these facts". A draft is a letter or another artifact
(e-mail, website, FAQ, regulator notice, press statement) in English or Spanish
(app.domain.channels), so they all call `render_for` with the draft's laws, tone, channel and
language, and cannot disagree about what the facts mean for it.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import InvalidInput
from app.domain.channels import DEFAULT_CHANNEL, DEFAULT_LANGUAGE
from app.domain.channels import validate_artifact as validate_channel
from app.domain.facts import IncidentFacts
from app.letters.artifacts import draft_artifact
from app.letters.drafting import draft_letter
from app.workflow.context import WorkflowContext


def validate_artifact(channel: str, language: str, jurisdictions: tuple[str, ...]) -> None:
    """InvalidInput naming the field for an unknown channel or language, or a regulator notice
    asked for more than one law (a regulator notice answers one regulator obligation)."""
    validate_channel(channel, language)
    if channel == "regulator" and len(jurisdictions) != 1:
        raise InvalidInput(
            "A regulator notice answers one regulator obligation: give exactly one jurisdiction code.",
            details=[{"field": "jurisdiction", "message": "one code, e.g. US-MA (no +)"}],
        )


def render_for(
    ctx: WorkflowContext,
    facts: IncidentFacts,
    jurisdictions: tuple[str, ...] | list[str],
    tone: str,
    channel: str = DEFAULT_CHANNEL,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The artifact's text for a variant's laws, tone, channel and language from `facts`."""
    if channel == DEFAULT_CHANNEL and language == DEFAULT_LANGUAGE:
        return draft_letter(
            facts,
            ctx.rulebook,
            ctx.settings.TEMPLATES_DIR,
            tone=tone,
            jurisdictions=list(jurisdictions),
        ).text
    return draft_artifact(
        facts,
        ctx.rulebook,
        ctx.settings.TEMPLATES_DIR,
        tone=tone,
        channel=channel,
        language=language,
        jurisdictions=list(jurisdictions),
        today=ctx.today(),
    ).text


def render_draft(
    ctx: WorkflowContext, facts: IncidentFacts, draft: Any, tone: str | None = None
) -> str:
    """A stored draft's text from `facts` (in `tone` when given, else the draft's)."""
    return render_for(
        ctx,
        facts,
        tuple(draft.jurisdictions),
        tone or draft.tone,
        getattr(draft, "channel", DEFAULT_CHANNEL) or DEFAULT_CHANNEL,
        getattr(draft, "language", DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE,
    )
