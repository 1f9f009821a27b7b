"""POST /api/v1/checks: check a letter text and return the Report (the same JSON as `candor check --format json`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import Field

from app.api.base import RequestModel, Tone
from app.api.deps import RulebookDep, SettingsDep
from app.auth.policy import allow_any_user
from app.checks.base import Report
from app.checks.engine import run_checks
from app.domain.facts import IncidentFacts

router = APIRouter(tags=["checks"])


class CheckRequest(RequestModel):
    """What to check and against what."""

    text: str = Field(
        description="The letter (Markdown or plain text). Longer than CANDOR_MAX_TEXT_CHARS: 413."
    )
    facts: IncidentFacts | None = Field(
        None,
        description="Incident facts: compares dates/numbers/contacts, evaluates conditional elements.",
    )
    jurisdictions: list[str] = Field(
        default_factory=list,
        description="Jurisdiction codes whose elements to check, e.g. ['US-CA'].",
    )
    tone: Tone | None = Field(
        None,
        description="empathetic, formal or plain: picks readability thresholds (default plain).",
    )
    channel: Literal["letter", "email", "website", "faq", "regulator", "press"] = Field(
        "letter",
        description="Which artifact the text is: its own required and forbidden elements apply.",
    )
    language: Literal["en", "es"] = Field(
        "en",
        description="The text's language: its rules, element detectors and readability formulas.",
    )
    grammar: bool = Field(
        True,
        description="Run the grammar and spelling check (CANDOR_GRAMMAR_ENGINE: Harper by default, or LanguageTool).",
    )


def _grammar_checker(request: Request, settings):  # type: ignore[no-untyped-def]
    """One grammar checker per app, so its paragraph cache serves every request."""
    checker = getattr(request.app.state, "grammar_checker", None)
    if checker is None:
        from app.checks.grammar import grammar_checker_from_settings

        checker = grammar_checker_from_settings(settings)
        request.app.state.grammar_checker = checker
    return checker


@router.post(
    "/checks", response_model=Report, dependencies=[allow_any_user()]
)  # the text is breach data
def create_check(
    body: CheckRequest, request: Request, settings: SettingsDep, rulebook: RulebookDep
) -> Report:
    """Check a letter for readability, empathy, legal elements per jurisdiction, facts and grammar."""
    grammar = _grammar_checker(request, settings) if body.grammar else False
    return run_checks(
        body.text,
        rulebook=rulebook,
        settings=settings,
        facts=body.facts,
        jurisdictions=tuple(body.jurisdictions),
        tone=body.tone,
        grammar=grammar,
        channel=body.channel,
        language=body.language,
    )
