"""Editor details: UTF-16 offsets, waivers with reasons, tone switch after confirmation, print layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEDGE = "Out of an abundance of caution"


def test_highlight_lands_on_the_phrase_after_astral_characters(set_letter, new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 50")
    page = new_page("cmo")
    page.goto(f"/drafts/{draft_id}")
    # Emoji are one code point in Python but two UTF-16 units in JavaScript.
    set_letter(page, "Hello 😀😀😀 friends 🎉.\n\n" + HEDGE + ", we write to you.")
    page.locator("#source-toggle").click()  # back to the formatted view
    mark = page.locator(".letter-doc .finding-mark", has_text=re.compile("caution"))
    expect(mark).to_have_text(HEDGE, timeout=30_000)
    assert page.evaluate("() => window.candorCodePointToUtf16('a😀b')") == [0, 1, 3, 4]
    page.locator(".finding", has_text=re.compile("caution", re.I)).locator(
        "button.select-span"
    ).click()
    assert page.evaluate("() => window.getSelection().toString()") == HEDGE


def test_waive_a_finding_with_a_reason(set_letter, new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 50")
    page = new_page("cmo")
    page.goto(f"/drafts/{draft_id}")
    text = page.locator("#letter-text").input_value()
    set_letter(page, text + "\n\n" + HEDGE + ", we are writing to you.")
    page.get_by_role("button", name="Save as v2").click()
    expect(page.locator(".flash")).to_contain_text("Saved as v2")
    item = page.locator(".finding", has_text=re.compile("abundance of caution", re.I)).first
    expect(item).to_be_visible(timeout=30_000)
    item.locator("summary").click()
    item.get_by_label("Reason (recorded)").fill("Counsel asked to keep this sentence.")
    item.get_by_role("button", name="Waive").click()
    expect(page.locator(".flash")).to_contain_text("waived")
    waived = page.locator(".finding.waived", has_text=re.compile("abundance of caution", re.I))
    expect(waived).to_contain_text("Waived: Counsel asked to keep this sentence.", timeout=30_000)
    expect(page.locator(".letter-doc .finding-mark", has_text=re.compile("caution"))).to_have_count(
        0
    )
    page.goto(f"/drafts/{draft_id}/checklist")
    expect(
        page.get_by_role("heading", name="Waivers").locator("xpath=following-sibling::ul[1]")
    ).to_contain_text("waived by cmo@example.test: Counsel asked to keep this sentence.")


def test_tone_switch_needs_confirmation_and_redrafts(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 50")
    page = new_page("cmo")
    page.goto(f"/drafts/{draft_id}")
    page.get_by_label("Tone", exact=True).select_option("empathetic")
    page.get_by_role("button", name="Re-draft").click()
    # The browser refuses the form until the box is ticked (required), so nothing changed yet.
    assert page.url.endswith(f"/drafts/{draft_id}")
    page.get_by_label("Replace the text with a new draft in this tone").check()
    page.get_by_role("button", name="Re-draft").click()
    # "Replace" replaces: a new version of the same draft (same scope), visible in its history.
    expect(page.locator(".flash")).to_contain_text("Re-drafted in the empathetic tone")
    expect(page.locator("#draft-title")).to_contain_text("v2")
    assert page.locator("#tone-select").input_value() == "empathetic"
    assert f"/drafts/{draft_id}?" in page.url
    expect(page.locator(".gauge-label")).to_contain_text("empathetic tone", timeout=30_000)


def test_print_stylesheet_shows_only_the_letter(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 50")
    page = new_page("compliance")
    page.goto(f"/drafts/{draft_id}/print")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("article.letter-print")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.goto(f"/drafts/{draft_id}/checklist")
    expect(page.locator(".checklist-table").first).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
