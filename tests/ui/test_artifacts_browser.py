"""Issue 17 in Chromium: an incident page shows its letters beside its other artifacts, with a form
to draft one (channel, jurisdiction or regulator, tone, language); a refused request (a regulator
notice no law owes) is shown beside the form with what was typed kept and nothing stored; the
editor says what the artifact is and checks it live with the artifact's channel and language (a
Spanish hedge is flagged by the Spanish rule); an e-mail artifact downloads as a valid .eml."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABLET = {"width": 768, "height": 1024}
SPANISH_HEDGE = "Es posible que sus datos hayan sido vistos por una persona no autorizada."


def _incident(page, new_draft) -> int:  # type: ignore[no-untyped-def]
    """A new incident with Massachusetts residents (its AG is owed a regulator notice)."""
    new_draft(page, affected="US-MA 1200\nUS-CA 40")
    return int(page.url.rsplit("#inc-", 1)[1])


def _draft_artifact(page, channel: str, jurisdiction: str, language: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("What").select_option(channel)
    page.get_by_label("For (variant").fill(jurisdiction)
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Draft it").click()


def test_incident_page_drafts_and_edits_artifacts(new_page, new_draft, set_letter, shot) -> None:  # type: ignore[no-untyped-def]
    incident = _incident(new_page("responder"), new_draft)
    page = new_page("cmo")
    page.goto("/")
    page.locator(f"section[aria-labelledby='inc-{incident}']").get_by_test_id(
        "artifacts-link"
    ).click()
    expect(page.locator("h1")).to_contain_text(f"#{incident}")
    letters = page.get_by_test_id("letters").get_by_test_id("draft-row")
    assert letters.count() >= 1
    artifacts = page.get_by_test_id("artifacts").get_by_test_id("draft-row")
    expect(artifacts).to_have_count(0)
    hint = page.locator("#a-jurisdiction-hint")
    expect(hint).to_contain_text("US-MA")
    # A Spanish e-mail for the first letter's variant (the form's default).
    variant = page.get_by_label("For (variant").input_value()
    _draft_artifact(page, "email", variant, "es")
    expect(page.locator(".flash")).to_contain_text("e-mail (Spanish)")
    expect(artifacts).to_have_count(1)
    expect(artifacts.first.locator(".artifact-kind")).to_have_text("E-mail (Spanish)")
    # A regulator notice no law owes: refused beside the form, typed values kept, nothing stored.
    _draft_artifact(page, "regulator", "US-GA", "en")
    expect(page.locator("#artifact-error")).to_contain_text("US-MA")
    expect(page.get_by_label("For (variant")).to_have_value("US-GA")
    expect(page.get_by_label("What")).to_have_value("regulator")
    expect(artifacts).to_have_count(1)
    # The one the law owes is made.
    _draft_artifact(page, "regulator", "US-MA", "en")
    expect(page.locator(".flash")).to_contain_text("US-MA regulator notice")
    expect(artifacts).to_have_count(2)
    # They agree with the letters (dates, counts, contacts, data, services).
    expect(page.get_by_test_id("consistency")).to_contain_text("state the same dates")
    shot(page, "incident")
    # The dashboard counts them and keeps its letters table to letters.
    page.goto("/")
    card = page.locator(f"section[aria-labelledby='inc-{incident}']")
    expect(card.get_by_test_id("artifacts-link")).to_contain_text("2 other artifacts")
    expect(card.locator("[data-testid=draft-row][data-channel=email]")).to_have_count(0)

    # The e-mail's editor: named for what it is, checked live in Spanish.
    page.goto(f"/incidents/{incident}")
    page.locator("[data-testid=draft-row][data-channel=email]").get_by_role(
        "link", name=re.compile("^Edit")
    ).click()
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    expect(page.locator("#draft-title")).to_contain_text("e-mail (Spanish)")
    expect(page.locator("#letter-label")).to_contain_text("E-mail (Spanish) text")
    expect(page.locator(".gauge-label")).to_contain_text("Szigriszt-Pazos")
    page.locator(".letter-doc p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" " + SPANISH_HEDGE)
    expect(page.locator(".finding[data-rule^='es.empathy.hedging']")).to_have_count(
        1, timeout=30_000
    )
    # Its downloads include the e-mail message, whose Subject is the artifact's own.
    box = page.get_by_test_id("downloads")
    box.locator("summary").click()
    with page.expect_download() as info:
        box.get_by_role("link", name="E-mail (.eml)").click()
    msg = email.message_from_bytes(Path(info.value.path()).read_bytes())
    assert msg["Subject"] and "DRAFT" in msg["Subject"]
    assert msg.get_content_type().startswith("multipart/") or msg.get_payload()

    # An edit that lists data the letter does not: the incident page names both places.
    text = page.locator("#letter-text").input_value()
    edited = re.sub(r"(\n- Nombre\n)", r"\1- Número de licencia de conducir\n", text, count=1)
    assert edited != text
    set_letter(page, edited)
    page.locator("#save-button").click()
    expect(page.locator(".flash")).to_contain_text("Saved as v2")
    page.goto(f"/incidents/{incident}")
    mismatch = page.get_by_test_id("mismatch").filter(has_text="licencia de conducir")
    expect(mismatch.first).to_contain_text("e-mail (Spanish)")
    expect(mismatch.first).to_contain_text("letter")

    # A regulator notice downloads as PDF, Word and text, never .eml, and its page says what it is.
    page.goto(f"/incidents/{incident}")
    page.locator("[data-testid=draft-row][data-channel=regulator]").get_by_role(
        "link", name=re.compile("^Edit")
    ).click()
    expect(page.locator("#draft-title")).to_contain_text("US-MA regulator notice")
    expect(page.locator(".gauge-label")).to_contain_text("≤ 12", timeout=30_000)
    box = page.get_by_test_id("downloads")
    box.locator("summary").click()
    expect(box.get_by_role("link", name="E-mail (.eml)")).to_have_count(0)
    expect(box.get_by_role("link", name="PDF", exact=True)).to_have_count(1)


def test_incident_page_fits_a_tablet(new_page, new_draft) -> None:  # type: ignore[no-untyped-def]
    page = new_page("responder", **TABLET)
    incident = _incident(page, new_draft)
    page.goto(f"/incidents/{incident}")
    _draft_artifact(page, "faq", page.get_by_label("For (variant").input_value(), "en")
    expect(page.locator(".flash")).to_contain_text("FAQ and call script")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= TABLET["width"], f"the incident page is {width} px wide"
    compliance = new_page("compliance", **TABLET)
    compliance.goto(f"/incidents/{incident}")
    expect(compliance.get_by_test_id("artifacts").get_by_test_id("draft-row")).to_have_count(1)
    expect(compliance.get_by_role("button", name="Draft it")).to_have_count(0)  # cannot draft
