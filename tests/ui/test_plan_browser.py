"""Chromium: a compliance user marks the Texas AG notice done with a confirmation number and an attached
PDF on the plan page, and the dashboard shows it done; a bad form keeps what was typed."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n% Texas Attorney General portal confirmation TX-2026-123\n%%EOF\n"


def _incident(live_app) -> int:  # type: ignore[no-untyped-def]
    """Set-up through the service functions on the live app's store (the form is tested elsewhere)."""
    from support.storedb import example

    from app.domain.facts import IncidentFacts
    from app.main import create_app
    from app.store import repositories as repo
    from app.workflow import incidents

    app = create_app(live_app.settings())
    with app.state.db.sessions() as session:
        responder = repo.user_by_email(session, live_app.users["responder"])
        made = incidents.create_incident(
            session, app.state.workflow, responder, IncidentFacts.model_validate(example())
        )
    app.state.db.dispose()
    return made.incident.id


def test_compliance_marks_texas_ag_done(new_page, live_app, shot):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    incident_id = _incident(live_app)
    page = new_page("compliance")
    page.goto("/")
    tx = (
        page.locator("[data-testid=deadline]").filter(has_text="US-TX").filter(has_text="regulator")
    )
    expect(tx).to_have_attribute("data-status", "open")
    expect(tx).to_have_class(re.compile("overdue"))  # CANDOR_TODAY is 2026-11-27; due 2026-10-20

    page.goto(f"/incidents/{incident_id}/plan?jurisdiction=US-TX")
    item = page.locator("[data-testid=plan-item]").filter(has_text="Texas Attorney General")
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile("overdue"))
    item.get_by_text("Record progress").click()

    # A done notice without its method is refused beside the notice, with what was typed kept.
    item.get_by_label("Status").select_option("done")
    item.get_by_label("Sent at (UTC)").fill("2026-10-02T14:30")
    item.get_by_label("Reference / confirmation number").fill("TX-2026-123")
    item.get_by_role("button", name="Save").click()
    item = page.locator("[data-testid=plan-item]").filter(has_text="Texas Attorney General")
    expect(item.get_by_test_id("item-error")).to_contain_text("method")
    expect(item.get_by_label("Reference / confirmation number")).to_have_value("TX-2026-123")

    item.get_by_label("Status").select_option("done")
    item.get_by_label("Method").select_option("portal")
    item.get_by_label("Attach proof (PDF, image, e-mail)").set_input_files(
        files=[{"name": "tx-ag-confirmation.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    item.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("done")
    item = page.locator("[data-testid=plan-item]").filter(has_text="Texas Attorney General")
    expect(item.get_by_test_id("item-status")).to_have_text("done")
    expect(item.get_by_test_id("reference")).to_have_text("TX-2026-123")
    expect(item.get_by_test_id("attachment")).to_have_text("tx-ag-confirmation.pdf")
    expect(item).not_to_have_class(re.compile("overdue"))
    with page.expect_download() as dl:
        item.get_by_test_id("attachment").click()
    assert open(dl.value.path(), "rb").read() == PDF
    shot(page, "plan-texas-ag-done")

    page.goto("/")
    tx = (
        page.locator("[data-testid=deadline]").filter(has_text="US-TX").filter(has_text="regulator")
    )
    expect(tx).to_have_attribute("data-status", "done")
    expect(tx.get_by_test_id("deadline-status")).to_have_text("done")
    expect(tx).not_to_have_class(re.compile("overdue"))
    page.goto("/?status=done")
    expect(page.locator("[data-testid=deadline]").filter(has_text="US-TX")).to_have_count(1)
    expect(page.locator("[data-testid=deadline][data-status=open]")).to_have_count(0)

    with page.expect_download() as bundle:
        page.goto(f"/incidents/{incident_id}/plan")
        page.get_by_test_id("evidence-link").click()
    assert bundle.value.suggested_filename == f"evidence-incident{incident_id}.zip"
