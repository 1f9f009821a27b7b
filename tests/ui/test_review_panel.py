"""Review panel: approvals name their version and are voided visibly by an edit; change requests
need a comment; roles without the right see no buttons; pages work at tablet width and without a session."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_edit_voids_approval_visibly(set_letter, new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-TX 300")
    cmo = new_page("cmo")
    cmo.goto(f"/drafts/{draft_id}")
    cmo.get_by_role("button", name="Approve v1 as cmo").click()
    expect(cmo.locator("[data-testid=review][data-role=cmo]")).to_contain_text("approved v1")
    cmo.reload()
    expect(cmo.get_by_text("Saving a change voids the approvals of v1.")).to_be_visible()
    text = cmo.locator("#letter-text").input_value()
    set_letter(cmo, text + "\n\nOne more line.")
    cmo.get_by_role("button", name="Save as v2").click()
    expect(cmo.locator(".flash")).to_contain_text("Saved as v2")
    voided = cmo.locator("[data-testid=review][data-role=cmo][data-version='1']")
    expect(voided).to_have_class(re.compile(r"\bvoided\b"))
    expect(voided).to_contain_text("voided: v1 is no longer current")
    expect(cmo.get_by_test_id("review-state")).to_have_text("draft")
    # Requesting changes needs a comment, then sends the draft back.
    cmo.get_by_role("button", name="Request changes").click()
    expect(cmo.locator("#review-panel [role=alert]")).to_contain_text("comment is required")
    cmo.get_by_label("Comment (required to request changes)").fill("Say who to call first.")
    cmo.get_by_role("button", name="Request changes").click()
    expect(cmo.get_by_test_id("review-state")).to_have_text("changes requested")
    # The responder can read but not approve; compliance cannot edit the text.
    resp = new_page("responder")
    resp.goto(f"/drafts/{draft_id}")
    expect(resp.get_by_role("button", name=re.compile("Approve"))).to_have_count(0)
    comp = new_page("compliance")
    comp.goto(f"/drafts/{draft_id}")
    expect(comp.locator("#letter-text")).to_have_attribute("readonly", "")
    expect(comp.locator(".letter-doc")).to_have_attribute("contenteditable", "false")
    expect(comp.get_by_role("button", name=re.compile("Save as"))).to_have_count(0)


def test_signed_out_is_sent_to_login_and_back(new_page, live_app):  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/incidents/new")
    expect(page).to_have_url(re.compile(r"/login\?next=/incidents/new"))
    page.get_by_label("Password").fill("wrong password")
    page.get_by_label("Email").fill(live_app.users["responder"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_contain_text("Wrong email or password")
    expect(page.get_by_label("Email")).to_have_value(live_app.users["responder"])
    page.get_by_label("Password").fill(live_app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/incidents/new$"))
    # A role the page does not allow gets the one error page.
    cmo = new_page("cmo")
    response = cmo.goto("/incidents/new")
    assert response is not None and response.status == 403
    expect(cmo.locator("main.error-page h1")).to_have_text("403")


def test_tablet_width_puts_findings_in_a_side_sheet(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-TX 300")
    page = new_page("cmo", width=800, height=1100)
    page.goto(f"/drafts/{draft_id}")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    expect(page.locator(".side-panel")).to_be_hidden()  # a side sheet, opened by its button
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )  # no sideways scrolling
    # Keyboard: Tab from the text reaches the save button without a mouse.
    doc = page.locator(".letter-doc")
    doc.focus()
    page.keyboard.press("Tab")
    assert (
        page.evaluate("() => document.activeElement && document.activeElement.id") == "save-button"
    )
    # ...and the findings are buttons in the tab order (type a hedge so there is a span-level finding).
    doc.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nYou may have been affected.")
    page.locator("#sheet-toggle").click()
    span_button = page.locator(".finding button.select-span[aria-label*='select the text']").first
    expect(span_button).to_be_attached(timeout=30_000)
    span_button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.classList.contains('letter-doc')")
