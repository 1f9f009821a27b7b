"""Issue 12, items 3 and 4 in Chromium: comments anchored to words (threaded, resolvable, visible
to every reviewer, kept across versions, orphaned when their words go) and suggestions (security
suggests, approval waits, the CMO accepts one -> a new version, rejects another -> none)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support.editor_page import open_draft, select_phrase, type_paragraph_at_end

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _phrase(text: str) -> str:
    """A sentence of the letter that appears once (the comment's anchor)."""
    for line in text.splitlines():
        for sentence in re.split(r"(?<=\.) ", line):
            s = sentence.strip(" *-")
            if len(s) > 30 and text.count(s) == 1 and "[[" not in s and "**" not in s:
                return s
    raise AssertionError("no unique sentence")


def test_comment_thread_across_versions(new_page, new_draft, set_letter):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    cmo = new_page("cmo")
    open_draft(cmo, draft_id)
    text = cmo.locator("#letter-text").input_value()
    phrase = _phrase(text)
    select_phrase(cmo, phrase)
    cmo.get_by_role("button", name="Comment", exact=True).click()
    expect(cmo.locator("#comment-quote")).to_contain_text(phrase)
    cmo.get_by_label("Your comment on these words").fill("Is this still true after the audit?")
    cmo.get_by_role("button", name="Post comment").click()
    thread = cmo.get_by_test_id("comment-thread")
    expect(thread).to_have_count(1)
    expect(thread).to_contain_text("cmo@example.test (cmo)")
    expect(cmo.locator(".letter-doc .comment-mark")).to_have_text(phrase)
    # Every reviewer sees it and can answer; compliance cannot edit but can comment.
    comp = new_page("compliance")
    open_draft(comp, draft_id)
    t = comp.get_by_test_id("comment-thread")
    expect(t).to_contain_text("Is this still true after the audit?")
    t.get_by_label("Reply to this comment").fill("Yes, confirmed with security.")
    t.get_by_role("button", name="Reply").click()
    expect(t).to_contain_text("compliance@example.test (compliance)")
    expect(t).to_contain_text("Yes, confirmed with security.")
    # A new version with text added before it: the comment stays on its words.
    set_letter(cmo, "A new opening line.\n\n" + text)
    cmo.get_by_role("button", name="Save as v2").click()
    expect(cmo.locator(".flash")).to_contain_text("Saved as v2")
    expect(cmo.locator(".letter-doc .comment-mark")).to_have_text(phrase)
    thread = cmo.get_by_test_id("comment-thread")
    expect(thread).to_contain_text("Made on v1")
    expect(thread).to_contain_text("Yes, confirmed with security.")
    # Resolve (and reopen) the thread.
    thread.get_by_role("button", name="Resolve").click()
    expect(thread).to_have_class(re.compile(r"\bresolved\b"))
    expect(cmo.locator(".letter-doc .comment-mark")).to_have_count(0)
    thread.get_by_role("button", name="Reopen").click()
    expect(thread).not_to_have_class(re.compile(r"\bresolved\b"))
    # Its words removed: listed as orphaned, not lost.
    v2 = cmo.locator("#letter-text").input_value()
    set_letter(cmo, v2.replace(phrase, "", 1))
    cmo.get_by_role("button", name="Save as v3").click()
    expect(cmo.locator(".flash")).to_contain_text("Saved as v3")
    expect(cmo.locator("#orphans")).to_be_visible()
    expect(cmo.locator("#orphan-list").get_by_test_id("comment-thread")).to_contain_text(phrase)
    expect(cmo.locator(".letter-doc .comment-mark")).to_have_count(0)


def test_suggestions_accept_makes_a_version_reject_makes_none(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    sec = new_page("security")
    open_draft(sec, draft_id)
    text = sec.locator("#letter-text").input_value()
    phrase = _phrase(text)
    sec.get_by_role("button", name="Suggest edits").click()
    expect(sec.locator("#suggest-bar")).to_be_visible()
    expect(sec.locator("#save-button")).to_be_hidden()
    select_phrase(sec, phrase)
    sec.keyboard.type("We changed this sentence.")
    sec.get_by_role("button", name="Send as suggestions").click()
    expect(sec.locator(".flash")).to_contain_text("for the editor to accept or reject")
    expect(sec.locator("#draft-title")).to_contain_text("v1")  # no version was made
    item = sec.get_by_test_id("suggestion")
    expect(item.first).to_contain_text("security@example.test (security) suggests")
    expect(sec.locator(".letter-doc .sugg-ins").first).to_be_visible()
    expect(sec.locator(".letter-doc .sugg-del").first).to_be_visible()
    expect(item.first.get_by_role("button", name="Accept")).to_have_count(
        0
    )  # security does not decide

    cmo = new_page("cmo")
    open_draft(cmo, draft_id)
    # Approval waits for the open suggestions.
    cmo.get_by_role("button", name=re.compile("Approve v1")).click()
    expect(cmo.locator("#review-panel [role=alert]")).to_contain_text("suggested edit")
    count = cmo.get_by_test_id("suggestion").count()
    assert count >= 1
    if count > 1:  # the replacement was stored as several stretches: accept them together
        cmo.get_by_role("button", name="Accept all").click()
    else:
        cmo.get_by_test_id("suggestion").first.get_by_role("button", name="Accept").click()
    expect(cmo.locator(".flash")).to_contain_text("Accepted: saved as v2")
    expect(cmo.locator("#draft-title")).to_contain_text("v2")
    v2 = cmo.locator("#letter-text").input_value()
    assert "We changed this sentence." in v2 and phrase not in v2
    assert cmo.get_by_test_id("suggestion").count() == 0
    # Another suggestion, rejected: no new version.
    sec.reload()
    expect(sec.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    sec.get_by_role("button", name="Suggest edits").click()
    type_paragraph_at_end(sec, "A line nobody wants.")
    sec.get_by_role("button", name="Send as suggestions").click()
    expect(sec.locator(".flash")).to_contain_text("Sent")
    cmo.reload()
    items = cmo.get_by_test_id("suggestion")
    expect(items.first).to_be_visible()  # the list is fetched after the page loads
    while (n := items.count()) > 0:  # one at a time: each reject re-fetches the list
        items.first.get_by_role("button", name="Reject").click()
        expect(items).to_have_count(n - 1)
    expect(cmo.locator("#suggestion-status")).to_contain_text("rejected")
    cmo.reload()
    expect(cmo.locator("#draft-title")).to_contain_text("v2")
    assert "A line nobody wants." not in cmo.locator("#letter-text").input_value()
