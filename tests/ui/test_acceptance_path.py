"""The whole browser path of issue #5, in Debian's Chromium:

responder signs in -> creates an incident (one validation round trip first) -> CMO opens a
draft, types a hedging phrase and sees its finding appear, fixes it and sees it go, saves ->
CMO and security approve -> compliance signs off the checklist. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support.editor_page import type_paragraph_at_end

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEDGE = "Out of an abundance of caution, we are writing to tell you that your information may have been affected."
PLAIN = "We are writing to tell you that your information was affected."


def open_first_draft(page) -> int:  # type: ignore[no-untyped-def]
    page.goto("/")
    row = page.get_by_test_id("draft-row").first
    draft_id = int(row.get_attribute("data-draft-id"))
    page.goto(f"/drafts/{draft_id}")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    return draft_id


def test_responder_to_signoff(set_letter, new_page, shot, incident_form):  # type: ignore[no-untyped-def]
    # 1. Sign in; the header says who and which role.
    page = new_page("responder")
    expect(page.get_by_test_id("whoami-email")).to_have_text("responder@example.test")
    expect(page.get_by_test_id("whoami-role")).to_have_text("responder")

    # 2. New incident: a bad line shows its message beside the field and keeps everything typed.
    page.goto("/incidents/new")
    incident_form(page, affected="US-CA 1200\nNarnia lots")
    page.get_by_role("button", name="Create incident and draft letters").click()
    expect(page.locator("#e-affected")).to_be_visible()
    expect(page.locator("#f-affected")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Organisation name")).to_have_value("Northwind Outfitters")
    expect(page.get_by_label("Toll-free number")).to_have_value("1-888-555-0193")
    expect(page.locator("input[name=data_types][value=payment_card]")).to_be_checked()
    page.get_by_label("Affected people per residence").fill("US-CA 1200\nUS-NY 800")
    page.get_by_role("button", name="Create incident and draft letters").click()
    expect(page.locator(".flash")).to_contain_text("Incident created")
    expect(page.get_by_test_id("incident")).to_have_count(1)
    assert page.get_by_test_id("draft-row").count() >= 1
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    # 3. The CMO opens a draft; typing a hedging phrase brings its finding, fixing it removes it.
    cmo = new_page("cmo")
    draft_id = open_first_draft(cmo)
    original = cmo.locator("#letter-text").input_value()
    assert "Northwind Outfitters" in original
    # The letter shows formatted (headings, bold, lists), not as Markdown.
    doc = cmo.locator(".letter-doc")
    expect(doc.locator("h1")).to_have_count(1)
    assert doc.locator("h2").count() >= 3 and doc.locator("li").count() >= 3
    assert "**" not in doc.inner_text()
    type_paragraph_at_end(cmo, HEDGE)
    hedge = cmo.locator(".finding", has_text=re.compile(r"caution|hedg|may have been", re.I))
    expect(hedge.first).to_be_visible(timeout=30_000)
    expect(cmo.locator(".letter-doc .finding-mark").first).to_be_attached()
    assert HEDGE in cmo.locator("#letter-text").input_value()  # the Markdown follows the editor
    # Clicking the finding selects its span in the editor.
    hedge.first.locator("button.select-span").click()
    selected = cmo.evaluate("() => window.getSelection().toString()")
    assert selected and selected.lower() in HEDGE.lower() + " " + original.lower()
    cmo.set_viewport_size({"width": 1366, "height": 1100})
    shot(cmo, "editor")
    # Fix: replace the hedged sentence with a plain one.
    fixed = original.replace("We are sorry this happened.", "We are sorry this happened to you.")
    set_letter(cmo, fixed + "\n\n" + PLAIN)
    expect(cmo.locator(".finding", has_text=re.compile(r"caution", re.I))).to_have_count(
        0, timeout=30_000
    )
    assert (
        cmo.locator(".finding[data-rule]").filter(has_text=re.compile("abundance", re.I)).count()
        == 0
    )

    # 4. Save -> v2.
    cmo.get_by_role("button", name=re.compile(r"Save as v2")).click()
    expect(cmo.locator(".flash")).to_contain_text("Saved as v2")
    assert PLAIN in cmo.locator("#letter-text").input_value()

    # Waive any error-level finding left on v2 (with a reason) so approval is possible.
    expect(cmo.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    while cmo.locator(".finding.sev-error:not(.waived) details").count():
        item = cmo.locator(".finding.sev-error:not(.waived)").first
        item.locator("summary").click()
        item.get_by_label("Reason (recorded)").fill(
            "Counsel reviewed this sentence and accepts it."
        )
        item.get_by_role("button", name="Waive").click()
        expect(cmo.locator(".flash")).to_contain_text("waived")
        expect(cmo.locator("#check-status")).to_contain_text("Checked", timeout=30_000)

    # 5. Approve as CMO, then as security; each approval names the version it covers.
    cmo.get_by_role("button", name="Approve v2 as cmo").click()
    expect(cmo.locator("[data-testid=review][data-role=cmo]")).to_contain_text("approved v2")
    expect(cmo.get_by_test_id("review-state")).to_have_text("in review")
    # The title's badge follows without a reload (htmx out-of-band swap).
    expect(cmo.locator("#title-state [data-testid=state]")).to_have_text("in review")

    sec = new_page("security")
    sec.goto(f"/drafts/{draft_id}")
    sec.get_by_role("button", name="Approve v2 as security").click()
    expect(sec.locator("[data-testid=review][data-role=security]")).to_contain_text("approved v2")
    expect(sec.get_by_test_id("review-state")).to_have_text("approved")

    # Dashboard: state and who approved which version.
    sec.goto("/")
    row = sec.locator(f"[data-testid=draft-row][data-draft-id='{draft_id}']")
    expect(row.get_by_test_id("state")).to_have_text("approved")
    expect(row).to_contain_text("cmo: cmo@example.test approved v2")
    expect(row).to_contain_text("security: security@example.test approved v2")
    shot(sec, "dashboard")

    # History: redline between v1 and v2.
    sec.goto(f"/drafts/{draft_id}/history?a=1&b=2")
    expect(sec.locator("#diff ins").last).to_contain_text("information was affected")
    expect(sec.locator("#diff ins").first).to_have_text(" to you")
    shot(sec, "diff")

    # 6. Compliance signs off the checklist.
    comp = new_page("compliance")
    comp.goto(f"/drafts/{draft_id}/checklist")
    expect(comp.get_by_test_id("element").first).to_be_visible()
    required_ok = comp.locator("[data-testid=element][data-ok=yes]").count()
    assert required_ok >= 1
    comp.get_by_role("button", name="Sign off v2").click()
    expect(comp.get_by_test_id("signoff")).to_contain_text("Signed off by compliance@example.test")
    expect(comp.get_by_test_id("checklist-state")).to_have_text("signed off")
    shot(comp, "checklist")
