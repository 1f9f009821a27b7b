"""What the workflow needs besides a Session: settings and the loaded rulebook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.config import Settings
from app.rulebook.loader import Rulebook


@dataclass(frozen=True)
class WorkflowContext:
    """Settings + rulebook; built once per app (`app.state.workflow`) or per CLI run."""

    settings: Settings
    rulebook: Rulebook

    def today(self) -> date:
        """`CANDOR_TODAY` when set (tests, demos), else the real date."""
        return date.fromisoformat(self.settings.TODAY) if self.settings.TODAY else date.today()
