"""Request dependencies as `Annotated` aliases (SettingsDep, RulebookDep, ...)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings
from app.rulebook.loader import Rulebook


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_rulebook(request: Request) -> Rulebook:
    """The rulebook loaded and validated at start-up."""
    return request.app.state.rulebook  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RulebookDep = Annotated[Rulebook, Depends(get_rulebook)]
