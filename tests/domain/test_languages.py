"""Letters for people who read another language are flagged (issue 19.6)."""

from __future__ import annotations

from app.domain.languages import OFFICIAL_LANGUAGES, language_warnings
from app.domain.regions import RESIDENCE_CODES, is_us


def test_every_non_us_residence_has_its_languages() -> None:
    assert sorted(c for c in RESIDENCE_CODES if not is_us(c)) == sorted(OFFICIAL_LANGUAGES)


def test_english_letters_for_german_and_french_readers_are_flagged() -> None:
    warnings = language_warnings(["DE", "AT", "FR", "IE", "GB", "US-CA", "CA"])
    assert warnings == [
        "People in France read official letters in French: this letter is in English; send them "
        "a version in French too.",
        "People in Austria and Germany read official letters in German: this letter is in "
        "English; send them a version in German too.",
    ]


def test_quebec_belgium_and_spanish_letters() -> None:
    assert "French" in language_warnings(["CA-QC"])[0]
    assert "Dutch, French or German" in language_warnings(["BE"])[0]
    assert language_warnings(["ES"], "es") == []  # a Spanish letter for Spain
    assert language_warnings(["US-TX", "US-PR"], "es") == []  # US readers choose
    assert language_warnings(["US-TX"]) == []
