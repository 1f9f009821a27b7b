"""Browser helper for the new-incident page: submit the filled form and read the new incident's id."""

from __future__ import annotations

import re

from playwright.sync_api import expect

CREATED = re.compile(r"#inc-(\d+)$")


def submit_new_incident(page) -> int:  # type: ignore[no-untyped-def]
    """Press "Create incident and draft letters" on the filled form and wait for the dashboard it
    leads to (drafting every letter takes a while on a loaded machine); returns the incident id.
    The click does not wait for that navigation, so the URL is read only once it has arrived."""
    page.get_by_role("button", name="Create incident and draft letters").click()
    expect(page).to_have_url(CREATED, timeout=60_000)
    expect(page.locator(".flash")).to_contain_text("Incident created")
    found = CREATED.search(page.url)
    assert found, page.url
    return int(found.group(1))
