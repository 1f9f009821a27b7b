"""POST /api/v1/artifacts: draft one artifact (letter, e-mail, website, FAQ, regulator notice, press
statement) in English or Spanish from incident facts, and check it with its channel's rules.

Stateless, like POST /checks: the responder sends the facts and gets the text and its report in
one call (`candor draft --channel C --language L` + `candor check --channel C --language L`).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.base import Channel, Language, RequestModel
from app.api.deps import RulebookDep, SettingsDep
from app.auth.policy import allow_any_user
from app.checks.base import Report
from app.core.errors import InvalidInput
from app.domain.facts import IncidentFacts

router = APIRouter(tags=["artifacts"])


class ArtifactRequest(RequestModel):
    """Which artifact to draft, from which facts."""

    facts: IncidentFacts
    channel: Channel = Field(
        "letter", description="letter, email, website, faq, regulator or press."
    )
    language: Language | None = Field(
        None,
        description="en or es; default: the recipients' language the facts give for the jurisdiction.",
    )
    tone: Literal["plain", "formal", "empathetic"] = "plain"
    jurisdiction: str = Field(
        "US-GENERIC",
        description="The variant's law (for `regulator`: the law whose regulator gets the notice).",
    )
    check: bool = Field(True, description="Also check the drafted text (grammar is not run here).")


class ArtifactOut(BaseModel):
    """The drafted artifact, what it was drafted from, and its check report."""

    text: str
    channel: str
    language: str
    tone: str
    jurisdiction: str
    template: str
    warnings: list[str] = Field(default_factory=list)
    report: Report | None = None


@router.post(
    "/artifacts", response_model=ArtifactOut, dependencies=[allow_any_user()]
)  # facts are breach data
def create_artifact(
    body: ArtifactRequest, settings: SettingsDep, rulebook: RulebookDep
) -> ArtifactOut:
    """Draft the artifact and, unless `check` is false, check it against its channel and language."""
    from pathlib import Path

    from app.checks.engine import run_checks
    from app.domain.channels import drafting_language, language_warning, residence_language
    from app.letters.artifacts import draft_artifact

    if body.jurisdiction not in rulebook.jurisdictions:
        raise InvalidInput(
            f"Unknown jurisdiction {body.jurisdiction!r}.",
            details=[
                {"field": "jurisdiction", "message": "use a code from GET /api/v1/jurisdictions"}
            ],
        )
    warnings = []
    language = body.language
    if language is None:
        wanted = residence_language(body.facts, body.jurisdiction)
        language = drafting_language(wanted)
        warning = language_warning(wanted, [body.jurisdiction])
        if warning:
            warnings.append(warning)
    art = draft_artifact(
        body.facts,
        rulebook,
        Path(settings.TEMPLATES_DIR),
        tone=body.tone,
        channel=body.channel,
        language=language,
        jurisdiction=body.jurisdiction,
    )
    report = None
    if body.check:
        report = run_checks(
            art.text,
            rulebook=rulebook,
            settings=settings,
            facts=body.facts,
            jurisdictions=(art.jurisdiction,),
            tone=body.tone,
            grammar=False,
            channel=body.channel,
            language=language,
        )
    return ArtifactOut(**art.as_dict(), warnings=warnings, report=report)
