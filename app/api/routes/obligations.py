"""Stateless obligations: facts (+ optional today) -> applicable laws, dated notices, letter variants."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import Field

from app.api.base import RequestModel
from app.api.deps import RulebookDep, SettingsDep
from app.auth.policy import allow_any_user
from app.core.errors import InvalidInput
from app.domain.facts import IncidentFacts
from app.domain.obligations import ObligationsReport, obligations_report, resolve_now

router = APIRouter(tags=["obligations"])


class ObligationsRequest(RequestModel):
    """Incident facts and, optionally, the date to count days left from."""

    facts: IncidentFacts
    today: datetime | date | None = Field(
        None,
        description="Count time left from this date or date-time with offset (default: CANDOR_TODAY, else the server's clock).",
    )


@router.post(
    "/obligations", response_model=ObligationsReport, dependencies=[allow_any_user()]
)  # breach facts
def compute_obligations(
    body: ObligationsRequest, settings: SettingsDep, rulebook: RulebookDep
) -> ObligationsReport:
    """Whom to notify, by when, with citations, and which recipients get which letter variant; nothing is saved."""
    if body.today is not None:
        today = body.today
    else:
        try:
            today = resolve_now(settings.TODAY)
        except ValueError as exc:
            raise InvalidInput(
                "The server's CANDOR_TODAY setting is not a date or date-time.",
                details=[{"field": "today", "message": str(exc)}],
            ) from None
    return obligations_report(body.facts, rulebook, today)
