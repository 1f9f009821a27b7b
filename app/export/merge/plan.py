"""The merge plan: which approved letter each residence code gets, and the checks that refuse a plan."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from app.core.errors import AppError
from app.domain.regions import RESIDENCE_CODES
from app.letters.markup import find_missing

Format = Literal["text", "pdf"]
Mode = Literal["per-recipient", "per-variant"]
FORMATS = ("text", "pdf")
MODES = ("per-recipient", "per-variant")

MERGE_FIELD = re.compile(r"\[\[recipient:\s*([A-Za-z_]+)\s*\]\]")
KNOWN_FIELDS = frozenset({"name", "activation_code"})
"""Per-recipient merge fields a letter may use (see app/letters/context.py ``merge_field``)."""


class MergeError(AppError):
    """The merge cannot start (bad plan, unapproved letter, unreadable CSV); nothing produced."""

    status = 422
    code = "merge_refused"


class MergeInterrupted(Exception):
    """Raised by a progress callback to stop a run (the run can be resumed)."""


@dataclass(frozen=True)
class VariantLetter:
    """An approved letter variant, ready to merge.

    ``text``: the letter in the Markdown subset, with ``[[recipient: name]]`` and optionally
    ``[[recipient: activation_code]]`` merge fields. ``approved`` must be True (the engine refuses
    otherwise). ``version_hash`` is printed in PDF footers so a mailed letter traces to its version.
    """

    variant_id: str
    text: str
    approved: bool
    version_hash: str = ""
    title: str = "Notice of Data Breach"
    organisation: str = ""
    letterhead: str = ""
    enroll_by: str | None = None
    language: str = "en"

    @property
    def fields(self) -> set[str]:
        """The merge fields this letter uses."""
        return set(MERGE_FIELD.findall(self.text))


@dataclass(frozen=True)
class MergePlan:
    """Which letter each residence code gets.

    ``letters``: residence code (``US-CA``, ``DE``, ``CA-QC``…) → letter. ``default``: letter for
    a valid residence code that ``letters`` does not list (None: such rows are rejected).
    ``refusals``: residence code → (reason code, sentence) for residences whose letter failed the
    per-recipient proof (app.export.proof): their rows are rejected, never produced. ``proofs``:
    the proof of every residence (JSON-ready), written to ``summary.json``.
    """

    letters: Mapping[str, VariantLetter]
    default: VariantLetter | None = None
    refusals: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    proofs: Mapping[str, Any] = field(default_factory=dict)
    translations: Mapping[str, Mapping[str, VariantLetter]] = field(default_factory=dict)
    fallback: bool = False

    def letter_for(self, residence: str, language: str = "en") -> VariantLetter | None:
        """Return the letter for a residence code in the recipient's language, or None.

        ``translations``: language -> residence -> the approved letter in that language (Spanish).
        A recipient whose language has none gets the English letter; with ``fallback`` it is
        counted under its own variant id, ``<variant>.en-fallback`` ("sent in English to someone who reads
        another language"), so the summary's ``per_variant`` shows how many.
        """
        english = self.letters.get(residence, self.default)
        if language == "en":
            return english
        own = self.translations.get(language, {}).get(residence)
        if own is not None:
            return own
        return fallback_letter(english) if english is not None and self.fallback else english

    def variants(self) -> dict[str, VariantLetter]:
        """Distinct letters by variant id (the translations' and English fallbacks' included)."""
        english = [*self.letters.values(), *([self.default] if self.default else [])]
        out: dict[str, VariantLetter] = {}
        for letter in [
            *english,
            *(t for by_residence in self.translations.values() for t in by_residence.values()),
            *(fallback_letter(e) for e in english if self.fallback),
        ]:
            other = out.setdefault(letter.variant_id, letter)
            if other.text != letter.text or other.version_hash != letter.version_hash:
                raise MergeError(
                    f"variant {letter.variant_id!r} is given two different letters; "
                    "use one variant id per letter"
                )
        return out

    def languages(self) -> dict[str, dict[str, Any]]:
        """Per English variant: the residences it serves and the languages its readers get.

        ``{variant_id: {"residences": [codes], "languages": {"en": variant_id, "es": "…es", …}}}``
        (a language maps to the variant id of its letter; when only some of the variant's
        residences have a letter in that language, the others fall back to English). ``"*"``
        stands for the residences the ``default`` letter serves. For people checking a plan
        before a mailing (`candor merge` prints it).
        """
        by_variant: dict[str, dict[str, Any]] = {}
        served = [*self.letters.items(), *([("*", self.default)] if self.default else [])]
        for code, letter in sorted(served):
            entry = by_variant.setdefault(
                letter.variant_id, {"residences": [], "languages": {"en": letter.variant_id}}
            )
            entry["residences"].append(code)
            for language, by_residence in sorted(self.translations.items()):
                own = by_residence.get(code)
                if own is not None:
                    entry["languages"].setdefault(language, own.variant_id)
        return dict(sorted(by_variant.items()))


FALLBACK = ".en-fallback"
"""Variant id suffix of an English letter sent to a recipient whose language has no letter."""


def fallback_letter(letter: VariantLetter) -> VariantLetter:
    """The English letter under the fallback variant id (same text, counted apart)."""
    return replace(letter, variant_id=letter.variant_id + FALLBACK)


def check_plan(plan: MergePlan) -> dict[str, VariantLetter]:
    """Refuse a plan the merge must not run (unapproved, unfilled facts, unknown fields)."""
    variants = plan.variants()
    if not variants:
        raise MergeError("the merge plan has no letters")
    for code in plan.letters:
        if code not in RESIDENCE_CODES:
            raise MergeError(
                f"merge plan: unknown residence code {code!r} (use e.g. US-CA, DE, CA-QC)"
            )
    for vid, letter in sorted(variants.items()):
        if not letter.approved:
            raise MergeError(
                f"variant {vid!r} is not approved: only approved letters go through the "
                "mail merge (approve the version first)"
            )
        missing = find_missing(letter.text)
        if missing:
            raise MergeError(
                f"variant {vid!r} has unfilled facts: {', '.join(sorted(set(missing)))}"
            )
        unknown = letter.fields - KNOWN_FIELDS
        if unknown:
            raise MergeError(
                f"variant {vid!r} uses unknown merge fields: {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(KNOWN_FIELDS))})"
            )
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+_-]{0,199}", vid):
            raise MergeError(
                f"variant id {vid!r}: use up to 200 letters, digits, '.', '+', '_' or '-' "
                "(it names files)"
            )
    return variants
