"""The plan as an iCalendar (RFC 5545) feed, written with the `icalendar` package.

One event per open or in-progress item that still applies and has a date: an hour clock is an
event at its deadline moment, a day clock an all-day event on its last day. The UID is the item's
(`candor-plan-item-<id>@<host>`), so it stays the same when a facts change moves the deadline;
SEQUENCE counts the moves, so calendar apps replace the old date. Alarms mirror the reminder hours.
Items done, not required or no longer applicable leave the feed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

OPEN = ("open", "in_progress")


def _event(
    row: dict[str, Any], incident: dict[str, Any], base: str, host: str, hours: tuple[int, ...]
) -> Event:
    ev = Event()
    ev.add("uid", f"candor-plan-item-{row['id']}@{host}")
    ev.add("sequence", int(row["due_revision"]))
    stamp = (
        datetime.fromisoformat(row["updated_at"]) if row.get("updated_at") else datetime.now(UTC)
    )
    ev.add("dtstamp", stamp.astimezone(UTC))
    ev.add("last-modified", stamp.astimezone(UTC))
    if row["due_at"]:
        ev.add("dtstart", datetime.fromisoformat(row["due_at"]).astimezone(UTC))
    else:
        day = date.fromisoformat(row["due"])
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
    ev.add(
        "summary", f"Notify {row['recipient']} ({row['jurisdiction']}) — incident #{incident['id']}"
    )
    link = f"{base}/incidents/{incident['id']}/plan"
    moved = ""
    if row.get("previous_due_at") or row.get("previous_due"):
        moved = f"\nDeadline moved from {row.get('previous_due_at') or row.get('previous_due')}."
    ev.add(
        "description",
        f"{incident['title']}\n{row['obligation']}: {row['deadline']}\n{row['citation']}\n"
        f"Status: {row['status']}.{moved}\n{link}",
    )
    ev.add("url", link)
    ev.add("status", "CONFIRMED")
    ev.add("categories", [row["jurisdiction"], row["obligation"]])
    for h in hours:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{h} hours to notify {row['recipient']}")
        alarm.add("trigger", timedelta(hours=-h))
        ev.add_component(alarm)
    return ev


def plan_calendar(
    name: str,
    entries: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    base_url: str,
    hours: tuple[int, ...] = (),
) -> bytes:
    """An .ics document for (incident, plan rows) pairs; `incident` is {id, title}."""
    base = base_url.rstrip("/")
    host = urlsplit(base).hostname or "candor.local"
    cal = Calendar()
    cal.add("prodid", "-//Candor//Notification plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for incident, rows in entries:
        for row in rows:
            if row["applicable"] and row["status"] in OPEN and (row["due"] or row["due_at"]):
                cal.add_component(_event(row, incident, base, host, hours))
    return cal.to_ical()
