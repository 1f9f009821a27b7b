"""Schema of a channel's rule file (`kind: channel_elements`): what one artifact kind must and must not say.

Why its own kind: a jurisdiction file (`legal_elements`) says what the *letter* must contain;
an e-mail, a website posting, a call-centre FAQ, a regulator notice and a press statement each
have their own required and forbidden elements (the e-mail must warn about phishing and link to
the full notice; the press statement must not carry anyone's personal data; the Massachusetts
Attorney General's notice must state the number of Massachusetts residents the letter may not).
A file names its `channel`; `jurisdictions:` (the common header) narrows it to one regulator's
notice. Element ids come from the shared vocabulary, so detection is the letters' own.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from app.rulebook.behaviour import ChannelElementsBehaviour
from app.rulebook.common import RuleHeader, Severity


class ChannelElements(ChannelElementsBehaviour, RuleHeader):
    """`kind: channel_elements` — required, forbidden and recommended elements of one channel."""

    kind: Literal["channel_elements"]
    channel: Literal["letter", "email", "website", "faq", "regulator", "press"]
    name: str = Field(min_length=1, description="What the artifact is, e.g. 'E-mail notice'.")
    level: Severity = Severity.error
    requires: list[str] = Field(default_factory=list)
    prohibits: list[str] = Field(default_factory=list)
    recommended: list[str] = Field(default_factory=list)
    languages: list[Literal["en", "es"]] = Field(
        default_factory=lambda: ["en", "es"],
        description="Element ids are language-neutral: a channel file applies to every language by default.",
    )

    @model_validator(mode="after")
    def _disjoint(self) -> ChannelElements:
        both = sorted(set(self.requires) & set(self.prohibits))
        if both:
            raise ValueError(f"requires/prohibits: {both} cannot be both required and prohibited")
        if not (self.requires or self.prohibits or self.recommended):
            raise ValueError(
                "requires: name at least one required, prohibited or recommended element"
            )
        return self
