"""The responder's free text in another language, and which language each residence reads.

Why: a Spanish letter is drafted from templates written in Spanish, never machine-translated
at run time; the facts' own sentences (summary, remediation, hours...) must therefore be given
in Spanish too, by someone who can vouch for them. A Spanish letter whose facts lack a
translation shows the visible `[[missing: translations.es...]]` marker, like any unknown fact.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Translation(BaseModel):
    """The facts' free-text fields in one language (each optional; a missing one is a visible gap)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str | None = Field(
        None, max_length=2000, description="incident.summary in this language."
    )
    remediation: list[str] | None = Field(
        None, description="remediation in this language, one step each (same order)."
    )
    third_parties: str | None = Field(None, description="incident.third_parties in this language.")
    services_other: list[str] | None = Field(None, description="services.other in this language.")
    data_types_other: str | None = Field(None, description="data_types_other in this language.")
    phone_hours: str | None = Field(
        None, max_length=120, description="contacts.toll_free.hours in this language."
    )
    signatory_title: str | None = Field(None, description="signatory.title in this language.")


class Translations(BaseModel):
    """The free-text facts per language Candor has templates for (only Spanish besides English)."""

    model_config = ConfigDict(extra="forbid")

    es: Translation | None = Field(None, description="Spanish versions of the free-text facts.")

    def get(self, language: str) -> Translation | None:
        """The translation for `language`, or None."""
        return getattr(self, language, None) if language in type(self).model_fields else None
