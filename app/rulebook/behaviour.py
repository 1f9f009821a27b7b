"""Methods of the rule models that code reads at run time, without pydantic.

The validated models (legal_schema.py) inherit them, and so do their compiled records
(compiled.py), so a rule answers `element_ids()` or `is_unverified` the same way whether it came
from the YAML loader or from the compiled-rulebook cache. Only plain attributes are used, and the mixins declare no annotations (pydantic would take them
for fields).
"""

from __future__ import annotations

from urllib.parse import urlparse

PRIMARY_KINDS = ("statute", "regulation", "regulator")


class SourceBehaviour:
    """For `Source`: which sources are primary, and who published each."""

    @property
    def primary(self) -> bool:
        """Statute, regulation or the regulator's own page."""
        return self.kind in PRIMARY_KINDS

    @property
    def publisher(self) -> str:
        """Who published it (URL host, else the citation): two sources from one publisher are not independent."""
        if self.url:
            host = urlparse(self.url if "//" in self.url else "//" + self.url).hostname or self.url
            return str(host).removeprefix("www.")
        return str(self.citation or "").strip().lower()


class LegalRuleBehaviour:
    """For `LegalRule`: what the file rests on and which element ids it names."""

    @property
    def is_unverified(self) -> bool:
        """True when any part of the file rests on unverified research."""
        return bool(self.unverified)

    @property
    def has_content_rules(self) -> bool:
        """True when the law itself lists letter content (else the US-GENERIC baseline drafts the letter)."""
        return bool(self.requires or self.prohibits or self.conditions)

    def element_ids(self) -> set[str]:
        """Every element id the file names (for cross-checking against the vocabulary)."""
        return (
            set(self.requires)
            | set(self.prohibits)
            | set(self.recommended)
            | {c.element for c in self.conditions}
        )


class ChannelElementsBehaviour:
    """For `ChannelElements`: which element ids the file names."""

    def element_ids(self) -> set[str]:
        """Every element id the file names."""
        return set(self.requires) | set(self.prohibits) | set(self.recommended)  # type: ignore[attr-defined]


BEHAVIOURS: dict[str, type] = {
    "Source": SourceBehaviour,
    "LegalRule": LegalRuleBehaviour,
    "ChannelElements": ChannelElementsBehaviour,
}
"""Model class name -> the behaviour its compiled record gets."""
