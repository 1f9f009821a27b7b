"""The language people in each residence read official letters in, so Candor can say when an
English letter is not enough (issue 19.6: "the language of the recipients; others flagged as
needed").

Candor drafts English (and Spanish, `--language es`); a letter for people whose residence has no
English among its official languages is flagged with the language to have it translated into.
The data is each country's official (administrative) languages; where English is one of them
(Ireland, Malta, Canada outside Quebec, India, Singapore...) nothing is flagged. Quebec is its own
residence code because its Charter of the French language asks for French.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.regions import is_us, residence_name

OFFICIAL_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("German",),
    "BE": ("Dutch", "French", "German"),
    "BG": ("Bulgarian",),
    "HR": ("Croatian",),
    "CY": ("Greek", "Turkish"),
    "CZ": ("Czech",),
    "DK": ("Danish",),
    "EE": ("Estonian",),
    "FI": ("Finnish", "Swedish"),
    "FR": ("French",),
    "DE": ("German",),
    "GR": ("Greek",),
    "HU": ("Hungarian",),
    "IE": ("English", "Irish"),
    "IT": ("Italian",),
    "LV": ("Latvian",),
    "LT": ("Lithuanian",),
    "LU": ("Luxembourgish", "French", "German"),
    "MT": ("Maltese", "English"),
    "NL": ("Dutch",),
    "PL": ("Polish",),
    "PT": ("Portuguese",),
    "RO": ("Romanian",),
    "SK": ("Slovak",),
    "SI": ("Slovene",),
    "ES": ("Spanish",),
    "SE": ("Swedish",),
    "IS": ("Icelandic",),
    "LI": ("German",),
    "NO": ("Norwegian",),
    "GB": ("English",),
    "CA": ("English", "French"),
    "CA-QC": ("French",),
    "AU": ("English",),
    "SG": ("English", "Malay", "Mandarin", "Tamil"),
    "BR": ("Portuguese",),
    "IN": ("Hindi", "English"),
}
"""Official languages per non-US residence code."""

LANGUAGE_CODES = {"English": "en", "Spanish": "es"}
"""Languages Candor drafts letters in."""


def languages_of(residence: str) -> tuple[str, ...]:
    """The official languages of a non-US residence; () for the US, where English and Spanish
    letters are both usual and the recipient's choice decides (never flagged)."""
    return () if is_us(residence) else OFFICIAL_LANGUAGES.get(residence, ())


def _either(items: list[str] | tuple[str, ...], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def language_warnings(residences: Iterable[str], letter_language: str = "en") -> list[str]:
    """One sentence per group of residences whose official languages do not include the letter's.

    An English letter for Austria and Germany gives "People in Austria and Germany read official
    letters in German: this letter is in English; send them a version in German too."
    """
    language = next((n for n, c in LANGUAGE_CODES.items() if c == letter_language[:2]), "")
    needed: dict[tuple[str, ...], list[str]] = {}
    for code in sorted(set(residences)):
        langs = languages_of(code)
        if langs and language not in langs:
            needed.setdefault(langs, []).append(residence_name(code))
    return [
        f"People in {_either(places, 'and')} read official letters in {_either(langs, 'or')}: "
        f"this letter is in {language or letter_language}; send them a version in "
        f"{_either(langs, 'or')} too."
        for langs, places in sorted(needed.items())
    ]
