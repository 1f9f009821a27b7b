"""Channels and languages: the kinds of artifact Candor drafts from one incident's facts.

Why one place: the CLI, the API, the rulebook (`channels:`/`languages:` filters, `kind:
channel_elements`), the templates folders and the stored drafts all name artifacts with these
words, so a typo anywhere is an error naming the choices.
"""

from __future__ import annotations

from app.core.errors import InvalidInput

CHANNELS: tuple[str, ...] = ("letter", "email", "website", "faq", "regulator", "press")
"""letter: the notice to individuals; email: its e-mail version linking to the full notice;
website: the conspicuous posting (also substitute notice); faq: call-centre questions and script;
regulator: one notice per regulator obligation; press: a holding statement."""

DEFAULT_CHANNEL = "letter"

LANGUAGES: tuple[str, ...] = ("en", "es")
"""Languages Candor has templates, rules and readability formulas for."""

DEFAULT_LANGUAGE = "en"

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}

# Channels whose artifact goes to a regulator: compliance signs it off like a letter's checklist.
REGULATOR_CHANNELS = frozenset({"regulator"})


def validate_artifact(channel: str, language: str) -> None:
    """InvalidInput naming the field (`channel`, `language`) and the choices for an unknown word."""
    if channel not in CHANNELS:
        raise InvalidInput(
            f"Unknown channel {channel!r}; use one of {', '.join(CHANNELS)}.",
            details=[{"field": "channel", "message": f"use one of {', '.join(CHANNELS)}"}],
        )
    if language not in LANGUAGES:
        raise InvalidInput(
            f"Unknown language {language!r}; use one of {', '.join(LANGUAGES)}.",
            details=[{"field": "language", "message": f"use one of {', '.join(LANGUAGES)}"}],
        )


def artifact_kind(channel: str, language: str) -> str:
    """`letter`, `email`, `letter:es` — the name an artifact is stored and shown under."""
    return channel if language == DEFAULT_LANGUAGE else f"{channel}:{language}"


def parse_artifact_kind(kind: str) -> tuple[str, str]:
    """`email:es` -> ('email', 'es'); ValueError names the choices."""
    channel, _, language = kind.partition(":")
    language = language or DEFAULT_LANGUAGE
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return channel, language


def residence_language(facts: object, residence: str) -> str:
    """The language recipients of `residence` read: `recipient_languages`, else the facts' `language`."""
    own = getattr(facts, "recipient_languages", {}).get(residence)
    return own or str(getattr(facts, "language", DEFAULT_LANGUAGE)).split("-")[0]


def letter_languages(
    facts: object, residences: list[str] | tuple[str, ...]
) -> dict[str, list[str]]:
    """Languages a variant's letters are needed in -> the residences reading each (sorted, English first).

    A language without templates is returned as is; `drafting_language` maps it to the language
    the letter is drafted in and `language_warning` says what is missing."""
    out: dict[str, list[str]] = {}
    for r in residences:
        out.setdefault(residence_language(facts, r), []).append(r)
    if not out:
        out[residence_language(facts, "")] = []
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != DEFAULT_LANGUAGE, kv[0])))


def drafting_language(language: str) -> str:
    """The language a letter is drafted in: the recipients' when Candor has templates for it, else English."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def language_warning(language: str, residences: list[str]) -> str | None:
    """A message when recipients read a language Candor cannot draft in (the English draft needs translating)."""
    if language in LANGUAGES:
        return None
    where = ", ".join(residences) or "the recipients"
    return (
        f"Recipients in {where} read {language!r}; Candor has templates for "
        f"{', '.join(LANGUAGE_NAMES[x] for x in LANGUAGES)} only: the letter is drafted in English "
        "and must be translated by a qualified translator before it is sent."
    )
