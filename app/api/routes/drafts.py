"""Stateless drafting: facts + tone + jurisdiction -> letter text."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.base import RequestModel, Tone
from app.api.deps import RulebookDep, SettingsDep
from app.auth.policy import allow_any_user  # stateless, but it receives breach facts
from app.core.errors import InvalidInput
from app.domain.facts import IncidentFacts
from app.letters.drafting import draft_letter

router = APIRouter(tags=["drafting"])


class DraftRender(RequestModel):
    """What to render."""

    facts: IncidentFacts
    tone: Tone = "plain"
    jurisdiction: str = Field("US-GENERIC", description="Letter variant's jurisdiction code.")


class DraftRendered(BaseModel):
    """The rendered letter (Markdown)."""

    text: str
    tone: str
    jurisdiction: str
    template: str
    rulebook: str


@router.post("/drafts:render", response_model=DraftRendered, dependencies=[allow_any_user()])
def render_draft(body: DraftRender, settings: SettingsDep, rulebook: RulebookDep) -> DraftRendered:
    """Render one letter from incident facts for a tone and jurisdiction variant, without saving it."""
    if body.jurisdiction not in rulebook.jurisdictions:
        raise InvalidInput(
            "Unknown jurisdiction.",
            details=[
                {
                    "field": "jurisdiction",
                    "message": f"use one of {', '.join(sorted(rulebook.jurisdictions))}",
                }
            ],
        )
    letter = draft_letter(
        body.facts, rulebook, settings.TEMPLATES_DIR, tone=body.tone, jurisdiction=body.jurisdiction
    )
    return DraftRendered(**letter.as_dict(), rulebook=rulebook.hash)
