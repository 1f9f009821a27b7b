"""No date is stated twice in a row, whatever the facts (issue 10.8): summaries that carry their
own dates, a one-day breach found the same day, a breach stopped the day it was found."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.core.config import PROJECT_ROOT
from app.domain.facts import Incident
from app.letters.context import TONES
from app.letters.drafting import draft_letter
from app.letters.timeline import mentioned_days, timeline

TEMPLATES = PROJECT_ROOT / "templates" / "letters"
_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}(?:, \d{4})?"
    r"|\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)(?: \d{4})?"
)


def repeated_dates(text: str) -> list[tuple[str, str]]:
    """Pairs of consecutive sentences of the letter body that state a same date."""
    body = text.split("Dear ", 1)[1]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", body) if s.strip()]
    return [
        (a, b)
        for a, b in zip(sentences, sentences[1:], strict=False)
        if set(_DATE.findall(a)) & set(_DATE.findall(b))
    ]


def inc(**kw: object) -> Incident:
    base = {
        "breach_start": date(2026, 3, 3),
        "breach_end": date(2026, 3, 19),
        "discovery_date": date(2026, 3, 20),
        "containment_date": date(2026, 3, 21),
    }
    return Incident.model_validate({**base, **kw})


def test_mentioned_days_reads_the_common_formats() -> None:
    text = (
        "Between March 3 and March 19, 2026; on 20 March 2026, 2026-03-21 and 3/22/2026; Sept. 4th."
    )
    assert mentioned_days(text) == {
        (3, 3, None),
        (3, 19, 2026),
        (3, 20, 2026),
        (3, 21, 2026),
        (3, 22, 2026),
        (9, 4, None),
    }


@pytest.mark.parametrize(
    ("incident", "summary", "expected"),
    [
        (inc(), "", (True, "", True, "date")),
        (
            inc(),
            "Between March 3 and March 19, 2026, an attacker read our files.",
            (False, "", True, "date"),
        ),
        (
            inc(),
            "On March 20, 2026 we found an attacker in our network.",
            (True, "", False, "date"),
        ),
        (inc(breach_end=date(2026, 3, 20)), "", (True, "found", False, "date")),
        (inc(breach_end=date(2026, 3, 21)), "", (True, "stopped", True, "")),
        (inc(containment_date=date(2026, 3, 20)), "", (True, "", True, "same_day")),
        (
            inc(
                breach_start=date(2026, 3, 20), breach_end=None, containment_date=date(2026, 3, 20)
            ),
            "",
            (True, "found", False, "same_day"),
        ),
        (
            inc(containment_date=date(2026, 3, 20)),
            "We found it on March 20, 2026 and stopped it.",
            (True, "", False, ""),
        ),
    ],
)
def test_timeline_decides_each_sentence(incident: Incident, summary: str, expected: tuple) -> None:
    t = timeline(incident, summary)
    assert (t.say_breach, t.breach_ends, t.say_found, t.say_stopped) == expected


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("jurisdiction", ["US-CA", "US-GENERIC", "US-MA", "EU-GDPR"])
@pytest.mark.parametrize(
    "case",
    [
        "summary-with-dates",
        "one-day-found-same-day",
        "stopped-the-day-found",
        "summary-with-discovery",
    ],
)
def test_no_date_twice_in_a_row(tone, jurisdiction, case, example_facts, rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["saas-credentials"].model_copy(deep=True)
    i = facts.incident
    if case == "summary-with-dates":
        i.summary = (
            "Between October 3 and October 5, 2026, an attacker used a stolen employee login."
        )
    elif case == "one-day-found-same-day":
        i.breach_start, i.breach_end = date(2026, 10, 6), None
        i.containment_date = date(2026, 10, 6)
    elif case == "stopped-the-day-found":
        i.breach_end = date(2026, 10, 6)
    else:
        i.summary = (
            "On October 6, 2026, we found that an attacker had used a stolen employee login."
        )
    text = draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction=jurisdiction).text
    assert not repeated_dates(text), repeated_dates(text)
    # The dates are still stated once each (where the law wants them: not the description in MA).
    if jurisdiction != "US-MA":
        assert "October 6" in text or "6 October" in text
        assert re.search(r"October (?:3|6)|(?:3|6) October", text)
