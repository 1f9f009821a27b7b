"""The facts editor and the save merge in Debian's Chromium, against the real app (uvicorn subprocess).

- new incident with a HIPAA covered entity and a toll-free number: the letter carries both;
- Edit facts saves a new facts version; the draft shows the re-rendered letter's diff and applies it;
- a stale facts save comes back as a conflict with everything typed still in the form;
- two browsers editing different sentences of a draft are merged; the same sentence shows both sides.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support.incident_page import submit_new_incident

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NUMBER = "1-877-555-0142"
NEW_NUMBER = "1-866-555-0177"


def _create(page, incident_form, *, hipaa: bool = False) -> int:  # type: ignore[no-untyped-def]
    page.goto("/incidents/new")
    incident_form(page, affected="US-CA 900\nUS-TX 300")
    page.get_by_label("Toll-free number").fill(NUMBER)
    if hipaa:
        page.get_by_label("HIPAA covered entity").check()
        page.locator("input[name=data_types][value=medical]").check()
    return submit_new_incident(page)


def _drafts(page, incident: int) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    page.goto(f"/#inc-{incident}")
    rows = page.locator(f"section[aria-labelledby='inc-{incident}']").get_by_test_id("draft-row")
    return [
        (int(rows.nth(i).get_attribute("data-draft-id")), rows.nth(i).inner_text())
        for i in range(rows.count())
    ]


def test_hipaa_entity_and_toll_free_number_reach_the_letter(new_page, incident_form):  # type: ignore[no-untyped-def]
    page = new_page("responder")
    incident = _create(page, incident_form, hipaa=True)
    drafts = _drafts(page, incident)
    assert any("US-HIPAA" in text for _, text in drafts), (
        drafts
    )  # the entity type brought the HIPAA rules
    for draft_id, _ in drafts:
        page.goto(f"/drafts/{draft_id}")
        letter = page.locator("#letter-text").input_value()
        assert NUMBER in letter and "[[missing: contacts.toll_free" not in letter
    # The Edit facts page shows every fact as stored.
    page.goto(f"/incidents/{incident}/facts")
    expect(page.get_by_label("HIPAA covered entity")).to_be_checked()
    expect(page.get_by_label("Toll-free number")).to_have_value(NUMBER)


def test_edit_facts_then_apply_the_letter_diff(set_letter, new_page, incident_form, shot):  # type: ignore[no-untyped-def]
    page = new_page("responder")
    incident = _create(page, incident_form)
    draft_id = _drafts(page, incident)[0][0]
    # The author edits another sentence first: applying new facts must keep it.
    page.goto(f"/drafts/{draft_id}")
    editor = page.locator("#letter-text")
    text = editor.input_value()
    greeting = text.splitlines()[0]
    set_letter(page, text.rstrip("\n") + "\n\nP.S. We will write again when we know more.\n")
    page.get_by_role("button", name=re.compile("Save as v2")).click()
    expect(page.locator(".flash")).to_contain_text("Saved as v2")

    page.goto(f"/incidents/{incident}/facts")
    page.get_by_label("Toll-free number").fill(NEW_NUMBER)
    shot(page, "facts-edit")
    page.get_by_role("button", name="Save facts as version 2").click()
    expect(page.locator(".flash")).to_contain_text("Facts saved as version 2")

    page.goto(f"/drafts/{draft_id}")
    expect(page.locator("#facts-changed")).to_contain_text("facts changed")
    page.locator("#facts-changed a").click()
    expect(page.locator("#fact-changes")).to_contain_text(NEW_NUMBER)
    expect(page.locator("#diff del").filter(has_text=NUMBER).first).to_have_text(
        NUMBER
    )  # the whole number
    expect(page.locator("#diff ins").filter(has_text=NEW_NUMBER).first).to_have_text(NEW_NUMBER)
    shot(page, "facts-update")
    page.get_by_role("button", name="Apply as v3").click()
    expect(page.locator(".flash")).to_contain_text("saved as v3")
    letter = page.locator("#letter-text").input_value()
    assert NEW_NUMBER in letter and NUMBER not in letter
    assert "P.S. We will write again when we know more." in letter and greeting in letter
    expect(page.locator("#facts-changed")).to_have_count(0)


def test_stale_facts_edit_is_a_conflict_that_keeps_what_was_typed(new_page, incident_form):  # type: ignore[no-untyped-def]
    responder = new_page("responder")
    incident = _create(responder, incident_form)
    security = new_page("security")
    for p in (responder, security):
        p.goto(f"/incidents/{incident}/facts")
    security.get_by_label("Call centre hours").fill("Every day, 7 a.m. to 9 p.m. Central")
    security.get_by_role("button", name="Save facts as version 2").click()
    expect(security.locator(".flash")).to_contain_text("Facts saved as version 2")

    responder.get_by_label("Toll-free number").fill(NEW_NUMBER)
    responder.get_by_label("Who took the data, if known").fill("a ransomware crew")
    responder.get_by_role("button", name="Save facts as version 2").click()
    conflict = responder.locator("#facts-conflict")
    expect(conflict).to_contain_text("security@example.test saved version 2")
    expect(responder.locator("#facts-conflict-taken")).to_contain_text("Call centre hours")
    # Nothing typed is lost, and their change to a field I did not touch is in the form.
    expect(responder.get_by_label("Toll-free number")).to_have_value(NEW_NUMBER)
    expect(responder.get_by_label("Who took the data, if known")).to_have_value("a ransomware crew")
    expect(responder.get_by_label("Call centre hours")).to_have_value(
        "Every day, 7 a.m. to 9 p.m. Central"
    )
    responder.get_by_role("button", name="Save facts as version 3").click()
    expect(responder.locator(".flash")).to_contain_text("Facts saved as version 3")
    responder.goto(f"/incidents/{incident}/facts")
    expect(responder.get_by_label("Toll-free number")).to_have_value(NEW_NUMBER)
    expect(responder.get_by_label("Call centre hours")).to_have_value(
        "Every day, 7 a.m. to 9 p.m. Central"
    )
    # A bad value is refused beside its field, every other value kept.
    responder.get_by_label("Months free").fill("999")
    responder.get_by_label("Credit monitoring provider").fill("Kestrel Watch")
    responder.get_by_role("button", name="Save facts as version 4").click()
    expect(responder.locator("#e-services-credit_monitoring-months")).to_be_visible()
    expect(responder.get_by_label("Credit monitoring provider")).to_have_value("Kestrel Watch")
    expect(responder.get_by_label("Toll-free number")).to_have_value(NEW_NUMBER)


def test_two_browsers_non_overlapping_edits_merge_and_overlapping_show_both(
    set_letter, new_page, new_draft, shot
):  # type: ignore[no-untyped-def]
    # A card number without its security code does not trigger California alone (Civ. Code 1798.82(h)(1)(C)); New York does.
    draft_id = new_draft(new_page("responder"), "US-CA 1200\nUS-NY 800")
    alice, bob = new_page("cmo"), new_page("security")
    for p in (alice, bob):
        p.goto(f"/drafts/{draft_id}")
    base = alice.locator("#letter-text").input_value()
    first = base.splitlines()[0]

    set_letter(alice, base.replace(first, first + " Alice", 1))
    alice.get_by_role("button", name=re.compile("Save as v2")).click()
    expect(alice.locator(".flash")).to_contain_text("Saved as v2")
    # Bob edited v1 elsewhere: merged, not refused.
    set_letter(bob, base.rstrip("\n") + "\n\nBob's closing line.\n")
    bob.get_by_role("button", name=re.compile("Save as v2")).click()
    expect(bob.locator(".flash")).to_contain_text("merged")
    merged = bob.locator("#letter-text").input_value()
    assert first + " Alice" in merged and "Bob's closing line." in merged

    # Now both change the same closing line: both sides are shown and a choice is needed.
    alice.goto(f"/drafts/{draft_id}")
    bob.goto(f"/drafts/{draft_id}")
    v3 = alice.locator("#letter-text").input_value()
    set_letter(alice, v3.replace("Bob's closing line.", "Alice's closing words."))
    alice.get_by_role("button", name=re.compile("Save as v4")).click()
    expect(alice.locator(".flash")).to_contain_text("Saved as v4")
    set_letter(bob, v3.replace("Bob's closing line.", "Bob's better closing line."))
    bob.get_by_role("button", name=re.compile("Save as v4")).click()
    expect(bob.locator("#conflict-message")).to_contain_text("cmo@example.test saved v4")
    overlap = bob.get_by_test_id("overlap")
    expect(overlap).to_have_count(1)
    shot(bob, "conflict-overlap")
    # Each side is a redline against the common text, in whole words.
    expect(overlap.locator("[data-side=theirs] ins")).to_have_text(["Alice's", "words"])
    expect(overlap.locator("[data-side=theirs] del")).to_have_text(["Bob's", "line"])
    expect(overlap.locator("[data-side=ours] ins")).to_have_text(
        re.compile(r"^\s*better\s*$")
    )  # whole words, not fragments
    # No choice: refused, the text still carried along.
    bob.locator("#resolve-form").evaluate("f => f.noValidate = true")
    bob.get_by_role("button", name=re.compile("Save with these choices")).click()
    expect(bob.locator("#resolve-error")).to_contain_text("Choose")
    bob.get_by_label("Keep both (theirs first)").check()
    bob.get_by_role("button", name=re.compile("Save with these choices")).click()
    expect(bob.locator(".flash")).to_contain_text("Saved as v5")
    final = bob.locator("#letter-text").input_value()
    assert (
        "Alice's closing words." in final
        and "Bob's better closing line." in final
        and first + " Alice" in final
    )
