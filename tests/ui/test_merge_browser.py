"""Mail merge in the browser (issue #7), in Debian's Chromium:

responder creates an incident -> its letters are approved (set-up through the workflow service
functions: waivers with a reason, CMO and security approvals) -> a cmo gets 403 on the merge page ->
compliance opens the merge page from the dashboard, sees a bad upload refused beside the form,
uploads 30 good rows across the incident's states plus 2 bad ones, watches the job reach done with
2 rejected (the panel polls, then stops), and downloads a manifest listing the 30 good rows.
Writes docs/screenshots/merge.png.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect
from support.incident_page import submit_new_incident

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GOOD_ROWS = 30


def approve_all(live_app, incident_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Approve every letter of the incident through the service functions; return the residence codes."""
    from app.main import create_app
    from app.store import repositories as repo
    from app.workflow import drafts as wf_drafts
    from app.workflow import reviews as wf_reviews

    app = create_app(live_app.settings())
    ctx = app.state.workflow
    codes: list[str] = []
    with app.state.db.sessions() as session:
        users = {u.email: u for u in repo.list_users(session)}
        cmo, sec = users[live_app.users["cmo"]], users[live_app.users["security"]]
        for draft in repo.list_drafts(session, incident_id):
            version = repo.get_version(session, draft.id)
            for f in repo.report_for(session, version).findings:
                if f.severity.value == "error" and not f.waived:
                    wf_drafts.waive(
                        session,
                        ctx,
                        cmo,
                        draft.id,
                        version.number,
                        f.id,
                        "Counsel reviewed this sentence and accepts it.",
                    )
            wf_reviews.approve(session, ctx, cmo, draft.id, version.number)
            wf_reviews.approve(session, ctx, sec, draft.id, version.number)
            codes.extend(draft.residences)
    return codes


def recipients_csv(codes: list[str]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "recipient_id",
            "name",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "country",
        ]
    )
    for i in range(GOOD_ROWS):
        w.writerow(
            [
                f"nw-{i:03d}",
                f"Robin Testperson {i}",
                f"{i} Elm Street",
                "",
                "Springfield",
                codes[i % len(codes)][3:],
                "90001",
                "US",
            ]
        )
    w.writerow(["nw-bad-1", "Robin Nostate", "1 Elm Street", "", "Springfield", "", "90001", "US"])
    w.writerow(
        ["nw-bad-2", "Robin Nowhere", "2 Elm Street", "", "Springfield", "ZZ", "90001", "US"]
    )
    return out.getvalue().encode()


def test_compliance_runs_a_merge(new_page, live_app, shot, incident_form):  # type: ignore[no-untyped-def]
    # 1. The responder creates an incident (California and New York residents).
    resp = new_page("responder")
    resp.goto("/incidents/new")
    incident_form(resp)
    incident_id = submit_new_incident(resp)
    expect(resp.get_by_test_id("merge-link")).to_have_count(0)  # responders do not merge

    # 2. Its letters are approved (set-up through the service functions).
    codes = approve_all(live_app, incident_id)
    assert {"US-CA", "US-NY"} <= set(codes)

    # 3. A cmo may not open the merge page.
    cmo = new_page("cmo")
    response = cmo.goto(f"/incidents/{incident_id}/merge")
    assert response is not None and response.status == 403
    cmo.goto("/")
    expect(cmo.get_by_test_id("merge-link")).to_have_count(0)

    # 4. Compliance opens it from the incident card on the dashboard.
    comp = new_page("compliance")
    comp.goto("/")
    comp.locator(f"section[aria-labelledby='inc-{incident_id}']").get_by_test_id(
        "merge-link"
    ).click()
    expect(comp).to_have_url(re.compile(rf"/incidents/{incident_id}/merge$"))
    expect(comp.get_by_role("heading", level=1)).to_contain_text("Mail merge")
    expect(comp.get_by_test_id("no-approved")).to_have_count(0)
    expect(comp.locator("[data-testid=merge-draft][data-mailable=yes]")).to_have_count(
        len(comp.get_by_test_id("merge-draft").all())
    )

    # 5. A file without the address columns is refused beside the form; the other choices are kept.
    comp.get_by_label("Plain text").check()
    comp.get_by_label("Recipients CSV file").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"recipient_id,name\nnw-1,Robin\n",
            }
        ]
    )
    comp.get_by_role("button", name="Start merge").click()
    expect(comp.get_by_test_id("merge-error")).to_contain_text("missing columns")
    expect(comp.get_by_label("Recipients CSV file")).to_have_attribute("aria-invalid", "true")
    expect(comp.get_by_label("Plain text")).to_be_checked()
    expect(comp.get_by_test_id("merge-job")).to_have_count(0)

    # 6. 30 good rows and 2 bad ones, as PDF letters, one file per recipient.
    comp.get_by_label("PDF", exact=True).check()
    comp.get_by_label("One file per recipient").check()
    comp.get_by_label("Recipients CSV file").set_input_files(
        files=[{"name": "recipients.csv", "mimeType": "text/csv", "buffer": recipients_csv(codes)}]
    )
    comp.get_by_role("button", name="Start merge").click()
    expect(comp.locator(".flash")).to_contain_text("Merge started")
    job = comp.get_by_test_id("merge-job").first
    expect(job.get_by_test_id("job-state")).to_have_text("done", timeout=120_000)
    expect(job.get_by_test_id("job-done")).to_have_text(str(GOOD_ROWS))
    expect(job.get_by_test_id("job-rejected")).to_have_text("2")
    expect(job.get_by_test_id("job-total")).to_have_text(str(GOOD_ROWS + 2))
    progress = job.get_by_role("progressbar", name="Rows processed")
    expect(progress).to_have_attribute("value", str(GOOD_ROWS + 2))
    expect(progress).to_have_attribute("max", str(GOOD_ROWS + 2))
    expect(comp.get_by_test_id("merge-jobs")).to_have_attribute("data-polling", "no")
    expect(comp.get_by_test_id("merge-jobs")).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(job.get_by_test_id("output-link").first).to_be_visible()
    # Ids and counts only: no recipient name or address on the page.
    body = comp.locator("body").inner_text()
    assert "Robin" not in body and "Elm Street" not in body
    shot(comp, "merge")

    # 7. The manifest lists exactly the good rows.
    with comp.expect_download() as info:
        job.get_by_test_id("manifest-link").click()
    manifest = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert sorted(r["recipient_id"] for r in manifest) == [f"nw-{i:03d}" for i in range(GOOD_ROWS)]
    assert {r["residence"] for r in manifest} <= set(codes)
    with comp.expect_download() as info:
        job.get_by_test_id("rejects-link").click()
    rejects = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert sorted(r["recipient_id"] for r in rejects) == ["nw-bad-1", "nw-bad-2"]
