"""Browser helpers for the draft editor page: open a draft and wait for its check, select words,
type a new paragraph."""

from __future__ import annotations

from playwright.sync_api import expect


def open_draft(page, draft_id: int) -> None:  # type: ignore[no-untyped-def]
    """Open the draft's editor and wait until its first check has answered."""
    page.goto(f"/drafts/{draft_id}")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)


def select_phrase(page, phrase: str) -> None:  # type: ignore[no-untyped-def]
    """Select `phrase` in the formatted editor (as a drag over the words would)."""
    page.evaluate(
        """phrase => {
          const E = window.CandorEditor, text = E.text(), i = text.indexOf(phrase);
          if (i < 0) throw new Error('not in the letter: ' + phrase);
          const cp = s => Array.from(s).length;
          const r = E.docRange(cp(text.slice(0, i)), cp(text.slice(0, i + phrase.length)));
          const v = E.view();
          v.dispatch(v.state.tr.setSelection(window.CandorPM.state.TextSelection.create(v.state.doc, r.from, r.to)));
          v.focus();
        }""",
        phrase,
    )


def type_paragraph_at_end(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` as a new last paragraph of the formatted editor, keystroke by keystroke."""
    page.locator(".letter-doc").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)
