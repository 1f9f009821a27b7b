"""The base of every request body: unknown fields are refused (422 naming the field), so a typo
in a field name never silently drops what the client meant to send."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.auth.roles import ROLES
from app.domain.channels import CHANNELS, LANGUAGES
from app.domain.tones import TONES

Tone = Literal[TONES]  # type: ignore[valid-type]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]


class RequestModel(BaseModel):
    """A request body: `extra="forbid"`."""

    model_config = ConfigDict(extra="forbid")
