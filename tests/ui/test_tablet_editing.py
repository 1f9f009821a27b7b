"""Issue 12 at 768 px, edited the way a CMO would on a tablet: the findings, suggestions and comments
live in a closed side sheet, so what the CMO does in the letter must open it — clicking an
underline shows its card (Accept works from there), "Comment" shows the comment form, a suggestion's
marked words show the suggestion, and the sheet's button counts open suggestions and comments.
The page loads with no failed request or script error (the favicon's 404 included)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.editor_page import open_draft, select_phrase

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABLET = {"width": 768, "height": 1024}
HEDGE = "Out of an abundance of caution"


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console: {m.text} {m.location}") if m.type == "error" else None,
    )
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems


def test_a_cmo_on_a_tablet_reaches_cards_and_comments_from_the_letter(
    new_page, new_draft, set_letter
) -> None:  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo", **TABLET)
    problems = _watch(page)
    open_draft(page, draft_id)
    sheet = page.locator("#side-panel")
    expect(sheet).to_be_hidden()
    # Typing a hedge underlines it; clicking the underline opens the sheet on its card.
    page.locator(".letter-doc p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" " + HEDGE + ", we write to you today.")
    mark = page.locator(".letter-doc .finding-mark", has_text=HEDGE)
    expect(mark).to_have_count(1, timeout=30_000)
    expect(sheet).to_be_hidden()
    mark.click()
    card = page.locator(".finding.active[data-rule='empathy.downplaying']")
    expect(sheet).to_be_visible()
    expect(card).to_be_in_viewport()
    card.get_by_role("button", name="Accept").click()
    expect(page.locator(".finding[data-rule='empathy.downplaying']")).to_have_count(
        0, timeout=30_000
    )
    assert "To protect you, we write to you today." in page.locator("#letter-text").input_value()
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    page.locator("#save-button").click()
    expect(page.locator(".flash")).to_contain_text("Saved as v2")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    # Select words and press Comment: the form opens in the sheet, ready to type.
    select_phrase(page, "To protect you, we write to you today.")
    page.get_by_role("button", name="Comment", exact=True).click()
    form = page.locator("#comment-form")
    expect(sheet).to_be_visible()
    expect(form).to_be_in_viewport()
    expect(page.get_by_label("Your comment on these words")).to_be_focused()
    page.keyboard.type("Does legal agree with this wording?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_test_id("comment-thread")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#sheet-count")).to_contain_text("1 comment")
    # Clicking the commented words shows the thread.
    page.locator(".letter-doc .comment-mark").click()
    expect(sheet).to_be_visible()
    expect(page.get_by_test_id("comment-thread")).to_be_in_viewport()
    assert problems == [], problems


def test_a_suggestion_waiting_in_the_closed_sheet_is_counted_and_shown(new_page, new_draft) -> None:  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    security = new_page("security", **TABLET)
    open_draft(security, draft_id)
    security.get_by_role("button", name="Suggest edits").click()
    security.locator(".letter-doc p").last.dblclick()  # a word selected, as a double tap would
    word = security.evaluate("() => window.getSelection().toString().trim()")
    assert word
    security.keyboard.press("Backspace")
    security.get_by_role("button", name="Send as suggestions").click()
    expect(security.locator(".flash")).to_contain_text("Sent 1 suggestion")
    cmo = new_page("cmo", **TABLET)
    problems = _watch(cmo)
    open_draft(cmo, draft_id)
    expect(cmo.locator("#sheet-count")).to_contain_text("1 suggestion")
    deletion = cmo.locator(".letter-doc .sugg-del")
    expect(deletion).to_contain_text(word)
    expect(cmo.locator("#side-panel")).to_be_hidden()
    deletion.click()
    item = cmo.get_by_test_id("suggestion")
    expect(item).to_be_in_viewport()
    item.get_by_role("button", name="Accept").click()
    expect(cmo.locator(".flash")).to_contain_text("saved as v2")
    expect(cmo.locator("#sheet-count")).not_to_contain_text("suggestion")
    assert problems == [], problems
