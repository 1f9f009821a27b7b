"""Issue 12, items 1 and 2 in Chromium: the formatted editor stores the same Markdown (every golden
and corpus letter survives load -> save unchanged), its toolbar writes Markdown, findings underline
their exact words and stay on them while the text changes, Accept applies the rewrite and
re-checks, Dismiss hides for this user and version, and the keyboard moves between findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support.editor_page import open_draft, select_phrase, type_paragraph_at_end

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
HEDGE = "Out of an abundance of caution"


def _open(page, draft_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the draft in the editor; returns this page's Content-Security-Policy console errors
    (a list filled as they arrive, so each test sees only its own page's)."""
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    open_draft(page, draft_id)
    return csp_errors


def test_every_golden_and_corpus_letter_round_trips_unchanged(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo")
    csp_errors = _open(page, draft_id)
    saved = page.locator("#letter-text").input_value()
    expect(page.locator("#dirty-flag")).to_be_hidden()  # loading changed nothing
    files = sorted((ROOT / "tests" / "golden" / "letters").glob("*.md")) + sorted(
        (ROOT / "tests" / "fixtures" / "letters").glob("*.md")
    )
    assert len(files) > 50
    texts = {f.name: f.read_text() for f in files}
    texts["this draft"] = saved
    changed = page.evaluate(
        """texts => Object.keys(texts).filter(k => window.CandorMarkdown.roundTrip(texts[k]) !== texts[k])""",
        texts,
    )
    assert changed == []
    # The formatted view shows headings, bold and lists as such, never Markdown markers.
    doc = page.locator(".letter-doc")
    assert doc.locator("h1").count() == 1 and doc.locator("h2").count() >= 3
    assert doc.locator("li").count() >= 3 and doc.locator("strong").count() >= 1
    assert "**" not in doc.inner_text() and "\n## " not in doc.inner_text()
    assert csp_errors == []


def test_toolbar_edits_are_saved_as_markdown(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo")
    _open(page, draft_id)
    type_paragraph_at_end(page, "Call us today")
    select_phrase(page, "today")
    page.get_by_role("button", name="Bold").click()
    text = page.locator("#letter-text").input_value()
    assert text.rstrip().endswith("Call us **today**")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Next steps")
    page.get_by_role("button", name="Heading").click()
    page.keyboard.press("Enter")
    page.keyboard.type("First thing")
    page.get_by_role("button", name="• List").click()
    page.keyboard.press("Enter")
    page.keyboard.type("Second thing")
    text = page.locator("#letter-text").input_value()
    assert text.rstrip().endswith(
        "Call us **today**\n\n## Next steps\n\n- First thing\n- Second thing"
    ), text[-120:]
    expect(page.locator("#dirty-flag")).to_be_visible()
    page.get_by_role("button", name="Save as v2").click()
    expect(page.locator(".flash")).to_contain_text("Saved as v2")
    assert page.locator("#letter-text").input_value() == text
    expect(page.locator(".letter-doc h2", has_text="Next steps")).to_be_visible()
    # The source view shows (and edits) the Markdown itself.
    page.locator("#source-toggle").click()
    expect(page.locator("#letter-text")).to_be_visible()
    expect(page.locator(".letter-doc")).to_be_hidden()
    assert "## Next steps" in page.locator("#letter-text").input_value()


def test_accept_applies_the_rewrite_and_rechecks(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo")
    _open(page, draft_id)
    type_paragraph_at_end(page, HEDGE + ", we write to you.")
    card = page.locator(".finding", has_text=re.compile("abundance of caution", re.I)).first
    expect(card).to_be_visible(timeout=30_000)
    mark = page.locator(".letter-doc .finding-mark", has_text="caution")
    expect(mark).to_have_text(HEDGE)
    expect(card).to_contain_text("Zou")  # the rule's source
    expect(card).to_contain_text("To protect you")  # the rewrite
    # Underlines stay on their words while the text changes before the next check arrives.
    held = page.evaluate(
        """() => {
          const v = window.CandorEditor.view();
          v.dispatch(v.state.tr.insertText("Hello. ", 1));
          return Array.from(document.querySelectorAll('.letter-doc .finding-mark'))
            .filter(m => m.textContent.includes('caution')).map(m => m.textContent).join('|');
        }"""
    )
    assert held == HEDGE
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    card = page.locator(".finding", has_text=re.compile("abundance of caution", re.I)).first
    card.get_by_role("button", name="Accept").click()
    text = page.locator("#letter-text").input_value()
    assert "To protect you, we write to you." in text and HEDGE not in text
    expect(
        page.locator(".finding", has_text=re.compile("abundance of caution", re.I))
    ).to_have_count(0, timeout=30_000)
    expect(page.locator("#check-status")).to_contain_text("Checked")


def test_dismiss_and_keyboard(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo")
    _open(page, draft_id)
    type_paragraph_at_end(page, HEDGE + ", we write to you. As a precaution, we tell you now.")
    cards = page.locator(".finding[data-rule='empathy.downplaying']")
    expect(cards).to_have_count(2, timeout=30_000)
    page.keyboard.press("Alt+ArrowDown")
    first = page.locator(".finding.active")
    expect(first).to_have_count(1)
    assert page.evaluate("() => window.getSelection().toString()") != ""
    # Alt+Down walks the findings in text order; Alt+Enter accepts the active one's rewrite.
    for _ in range(page.locator(".finding").count()):
        if page.locator(".finding.active").get_attribute("data-rule") == "empathy.downplaying":
            break
        page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(".finding.active")).to_have_attribute("data-rule", "empathy.downplaying")
    assert page.evaluate("() => window.getSelection().toString()") == HEDGE
    page.keyboard.press("Alt+Enter")
    assert "To protect you, we write to you." in page.locator("#letter-text").input_value()
    # Dismiss hides one finding for this user on this version, and it can be shown again. Saved
    # first: a dismissal belongs to a saved version, so the finding must still be there on reload.
    expect(cards).to_have_count(1, timeout=30_000)
    page.locator("#save-button").click()
    expect(page.locator("#save-button")).to_have_text("Save as v3")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    opened = page.locator(".finding:not(.waived)").count()
    page.locator(".letter-doc").click()
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+Backspace")
    expect(page.locator(".finding:not(.waived)")).to_have_count(opened - 1)
    expect(page.locator(".dismissed-note")).to_contain_text("1 dismissed on v2")
    page.reload()
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    page.get_by_role("button", name="Show them again").click()
    expect(page.locator(".dismissed-note")).to_have_count(0)


def _save(page, set_letter, text: str, number: int) -> None:  # type: ignore[no-untyped-def]
    set_letter(page, text)
    page.locator("#save-button").click()
    expect(page.locator("#save-button")).to_have_text(f"Save as v{number + 1}")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)


def test_dismissals_are_per_user_and_per_version(new_page, new_draft, set_letter, login):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo")
    _open(page, draft_id)
    text = page.locator("#letter-text").input_value()
    _save(page, set_letter, text + "\n\n" + HEDGE + ", we write to you.\n", 2)
    card = page.locator(".finding[data-rule='empathy.downplaying']")
    expect(card).to_have_count(1)
    card.get_by_role("button", name="Dismiss").click()
    expect(card).to_have_count(0)
    page.reload()
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    expect(card).to_have_count(0)
    expect(page.locator(".dismissed-note")).to_contain_text("1 dismissed on v2")
    # Another user of the same browser (same localStorage) sees the finding.
    page.get_by_role("button", name="Sign out").click()
    login(page, "security")
    _open(page, draft_id)
    expect(card).to_have_count(1)
    expect(page.locator(".dismissed-note")).to_have_count(0)
    # The CMO again: still hidden on v2, shown again on the next version.
    page.get_by_role("button", name="Sign out").click()
    login(page, "cmo")
    _open(page, draft_id)
    expect(card).to_have_count(0)
    _save(page, set_letter, page.locator("#letter-text").input_value() + "\nThank you.\n", 3)
    expect(card).to_have_count(1)
    expect(page.locator(".dismissed-note")).to_have_count(0)
