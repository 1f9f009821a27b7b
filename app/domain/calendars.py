"""Business days: weekends and the public holidays of the jurisdiction whose law sets the clock.

A "5 business days" deadline in New York skips New York's holidays, one in Vermont skips Town
Meeting Day; federal rules (HIPAA, GLBA) skip the federal holidays. Holiday tables come from the
`holidays` package (no network: the tables ship with it), one calendar per (country, subdivision).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

_US_SUBDIVISIONS = frozenset(holidays.US.subdivisions)


@lru_cache(maxsize=128)
def _calendar(country: str, subdiv: str | None) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, subdiv=subdiv)
    except NotImplementedError:  # a country the package has no table for: weekends only
        return None


def calendar_for(code: str) -> tuple[str, str | None]:
    """(country, subdivision) whose holidays count for a jurisdiction code.

    `US-NY` -> ("US", "NY"); federal US laws (`US-HIPAA`, `US-GLBA`) -> ("US", None); `BR-LGPD` -> ("BR", None).
    """
    country, _, rest = code.partition("-")
    if country == "US" and rest in _US_SUBDIVISIONS:
        return "US", rest
    return country, None


def holidays_between(code: str, start: date, end: date) -> list[tuple[date, str]]:
    """Public holidays of `code`'s calendar in (start, end], with names (for explaining a due date)."""
    cal = _calendar(*calendar_for(code))
    if cal is None or end <= start:
        return []
    out = []
    day = start + timedelta(days=1)
    while day <= end:
        name = cal.get(day)
        if name and day.weekday() < 5:
            out.append((day, name))
        day += timedelta(days=1)
    return out


def is_business_day(day: date, code: str | None = None) -> bool:
    """Monday to Friday and not a public holiday of `code`'s calendar (weekends only when `code` is None)."""
    if day.weekday() >= 5:
        return False
    if code is None:
        return True
    cal = _calendar(*calendar_for(code))
    return cal is None or day not in cal


def add_business_days(start: date, days: int, code: str | None = None) -> date:
    """`start` plus `days` business days: the day of `start` itself does not count."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if is_business_day(current, code):
            left -= 1
    return current
