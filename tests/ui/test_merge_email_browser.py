"""The merge page's e-mail channel in Debian's Chromium, against a real SMTP server (aiosmtpd on
127.0.0.1, port 0): compliance chooses "E-mail to each recipient", uploads recipients with an
`email` column (one row without an address), and the jobs panel counts the e-mails sent and the
row rejected; the server received one message per good row, addressed to that row's e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support.approvals import approve_every_draft
from support.recipients import COLUMNS, person, write_rows
from support.smtp import Inbox, smtp_server

from app.store import repositories as repo
from app.store.db import Database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SENDER = "notices@example.com"


@pytest.fixture(scope="module", autouse=True)
def inbox() -> Iterator[Inbox]:
    """The SMTP server, configured for the module's app (set before live_app starts it)."""
    handler = Inbox()
    with smtp_server(handler) as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANDOR_SMTP_URL", url)
        mp.setenv("CANDOR_SMTP_FROM", SENDER)
        mp.setenv("CANDOR_SMTP_RATE", "100/second")
        yield handler


def _recipients(codes: list[str], path: Path) -> bytes:
    rows = [
        person(f"em-{i}", code[3:], name=f"Robin Mailperson {i}", email=f"robin{i}@example.org")
        for i, code in enumerate(codes[:3] * 2)
    ]
    rows.append(person("em-none", codes[0][3:], name="Robin Nomail", email=""))
    return write_rows(path, rows, [*COLUMNS, "email"]).read_bytes()


def test_compliance_mails_the_letters(new_page, live_app, new_draft, inbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 1200\nUS-NY 800")
    db = Database.from_url(live_app.database_url)
    try:
        with db.sessions() as session:
            incident_id = repo.get_draft(session, draft_id).incident_id
            drafts = approve_every_draft(session, incident_id)
            codes = sorted({c for d in drafts if d.channel == "letter" for c in d.residences})
    finally:
        db.dispose()

    comp = new_page("compliance")
    comp.goto(f"/incidents/{incident_id}/merge")
    email = comp.get_by_label("E-mail to each recipient")
    expect(email).to_be_enabled()
    expect(comp.get_by_label("Letters to print (files)")).to_be_checked()
    email.check()
    comp.get_by_label("Recipients CSV file").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": _recipients(codes, tmp_path / "r.csv"),
            }
        ]
    )
    comp.get_by_role("button", name="Start merge").click()
    expect(comp.locator(".flash")).to_contain_text("Merge started")
    job = comp.get_by_test_id("merge-job").first
    expect(job.get_by_test_id("job-state")).to_have_text("done", timeout=120_000)
    expect(job).to_contain_text(re.compile(r"e-mail"))
    good = len(codes[:3] * 2)
    expect(job.get_by_test_id("delivery-sent")).to_have_text(str(good))
    expect(job.get_by_test_id("job-rejected")).to_have_text("1")
    assert sorted(inbox.recipients()) == sorted(f"robin{i}@example.org" for i in range(good))
    body = comp.locator("body").inner_text()
    assert (
        "Robin" not in body and "example.org" not in body and "Main St" not in body
    )  # counts only, no recipient data
