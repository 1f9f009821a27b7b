"""What the workflow needs besides a Session: settings and the loaded rulebook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.core.config import Settings
from app.rulebook.loader import Rulebook


@dataclass(frozen=True)
class WorkflowContext:
    """Settings + rulebook; built once per app (`app.state.workflow`) or per CLI run."""

    settings: Settings
    rulebook: Rulebook

    def today(self) -> date:
        """`CANDOR_TODAY` when set (tests, demos), else the real date."""
        return self.now().date()

    def now(self) -> datetime:
        """`CANDOR_TODAY` (a date, or a date-time with offset) when set, else the real time; hour clocks count from it."""
        from app.domain.obligations import resolve_now

        return resolve_now(self.settings.TODAY)
