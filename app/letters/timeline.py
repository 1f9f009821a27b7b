"""Which dates the letter's "when" sentences state, so no date is stated twice in a row.

Why (issue 10.8): a responder's summary often carries the dates itself ("Between March 3 and
March 19, 2026, an attacker…"), and a one-day breach found the same day gave "It happened on
July 9, 2026. We found out on July 9, 2026." The templates word the sentences per tone; this module
decides, once for every tone, which of them the letter needs:

- the breach period, unless the summary already states it;
- whether that sentence can end with ", when we found out" / ", when we stopped it" (the period
  ends on the day of discovery or containment) instead of a second sentence with the same date;
- the discovery date and the containment date, each unless the summary or the breach sentence
  already gave it ("We stopped it that day" when it is the day of discovery just stated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.domain.facts import Incident

_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_MON = r"(?P<{g}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE = re.compile(
    rf"\b{_MON.format(g='m1')}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON.format(g='m2')}(?:,?\s+(?P<y2>\d{{4}}))?\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b"
    r"|\b(?P<m4>\d{1,2})/(?P<d4>\d{1,2})/(?P<y4>\d{4})\b",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


def mentioned_days(text: str) -> set[tuple[int, int, int | None]]:
    """(month, day, year or None) of each date written in `text` (month names or numbers)."""
    out: set[tuple[int, int, int | None]] = set()
    if not text or not _DIGIT.search(text):
        return out  # every date form above has a digit (the day): a text without one states none
    for m in _DATE.finditer(text):
        if m.group("y3"):
            month, day, year = int(m.group("m3")), int(m.group("d3")), int(m.group("y3"))
        elif m.group("y4"):
            month, day, year = int(m.group("m4")), int(m.group("d4")), int(m.group("y4"))
        else:
            name = (m.group("m1") or m.group("m2")).lower()[:3]
            month = _MONTHS.index(name) + 1
            day = int(m.group("d1") or m.group("d2"))
            y = m.group("y1") or m.group("y2")
            year = int(y) if y else None
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.add((month, day, year))
    return out


def _said(day: date | None, mentioned: set[tuple[int, int, int | None]]) -> bool:
    return day is not None and any(
        (m, d) == (day.month, day.day) and y in (None, day.year) for m, d, y in mentioned
    )


@dataclass(frozen=True)
class Timeline:
    """What the letter's sentences on when it happened say (templates word them per tone)."""

    say_breach: bool = field(
        default=True,
        metadata={"help": "State when it happened (the summary does not already say it)."},
    )
    breach_ends: str = field(
        default="",
        metadata={
            "help": "'found' / 'stopped': the breach sentence ends ', when we found out' / ', when we "
            "stopped it' (its last day is that day); '' otherwise."
        },
    )
    say_found: bool = field(
        default=True, metadata={"help": "A sentence with the discovery date is needed."}
    )
    say_stopped: str = field(
        default="",
        metadata={
            "help": "'same_day': 'we stopped it that day' (the day of discovery just stated); "
            "'date': a sentence with the containment date; '' when nothing more is needed."
        },
    )


def timeline(inc: Incident, summary: str = "") -> Timeline:
    """Decide the "when" sentences from the facts and the summary the letter prints before them."""
    mentioned = mentioned_days(summary)
    start, end = inc.breach_start, inc.breach_end or inc.breach_start
    found, stopped = inc.discovery_date, inc.containment_date
    say_breach = not (_said(start, mentioned) and _said(end, mentioned))
    found_told = _said(found, mentioned)
    stopped_told = stopped is not None and _said(stopped, mentioned)
    breach_ends = ""
    if say_breach and start is not None and end is not None:
        if not found_told and end == found:
            breach_ends = "found"
        elif stopped is not None and not stopped_told and stopped != found and end == stopped:
            breach_ends = "stopped"
    say_found = not found_told and breach_ends != "found"
    say_stopped = ""
    if stopped is not None and not stopped_told and breach_ends != "stopped":
        say_stopped = "same_day" if stopped == found else "date"
    return Timeline(say_breach, breach_ends, say_found, say_stopped)
