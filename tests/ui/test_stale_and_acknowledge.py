"""Stale letters and approval acknowledgements in the browser (issue #10 items 2 and 7), in Chromium:

a letter approved by the CMO and security goes stale when the facts change (set through the service
function every facts editor calls), the review panel says so with the reason, the re-draft from the
current facts replaces the text as a new version with the new number; a version with open
readability warnings cannot be approved until the approver ticks the acknowledgement, which the
audit log records.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HARD = (
    "Comprehensive organizational investigations subsequently identified unauthorized administrative "
    "infrastructure modifications. Additional precautionary verification procedures were implemented "
    "immediately thereafter. Organizational representatives will communicate supplementary information periodically."
)


def _app(live_app):  # type: ignore[no-untyped-def]
    from app.main import create_app

    return create_app(live_app.settings())


def _change_toll_free(live_app, draft_id: int, number: str) -> None:  # type: ignore[no-untyped-def]
    from app.domain.facts import IncidentFacts
    from app.store import repositories as repo
    from app.workflow import incidents

    app = _app(live_app)
    with app.state.db.sessions() as session:
        security = repo.user_by_email(session, live_app.users["security"])
        incident_id = repo.get_draft(session, draft_id).incident_id
        fv = repo.facts_version(session, incident_id)
        data = dict(fv.facts)
        data["contacts"] = {
            **data["contacts"],
            "toll_free": {**data["contacts"]["toll_free"], "number": number},
        }
        incidents.update_facts(
            session,
            app.state.workflow,
            security,
            incident_id,
            IncidentFacts.model_validate(data),
            fv.number,
        )


def _acknowledgements(live_app, draft_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    from app.store import repositories as repo

    app = _app(live_app)
    with app.state.db.sessions() as session:
        return [
            e.details
            for e in repo.audit_entries(session, entity="draft", entity_id=draft_id, limit=1000)
            if e.action == "draft.warnings_acknowledged"
        ]


def test_stale_letter_is_shown_and_redrafted_and_warnings_need_acknowledging(
    set_letter, new_page, new_draft, live_app
):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 50")
    cmo, sec = new_page("cmo"), new_page("security")
    for page, role in ((cmo, "cmo"), (sec, "security")):
        page.goto(f"/drafts/{draft_id}")
        page.get_by_role("button", name=f"Approve v1 as {role}").click()
        expect(page.locator("#review-panel [data-testid=review]").first).to_be_visible()
    expect(sec.get_by_test_id("review-state")).to_have_text("approved")

    _change_toll_free(live_app, draft_id, "1-888-555-0777")
    cmo.goto(f"/drafts/{draft_id}")
    expect(cmo.get_by_test_id("review-state")).to_have_text("stale: facts changed")
    expect(cmo.get_by_test_id("stale-notice")).to_contain_text("differs")
    cmo.goto("/")
    expect(cmo.locator(f"[data-draft-id='{draft_id}']")).to_contain_text("stale")

    cmo.goto(f"/drafts/{draft_id}")
    cmo.get_by_label("Replace the text with a new draft in this tone").check()
    cmo.get_by_role("button", name="Re-draft").click()
    expect(cmo.locator(".flash")).to_contain_text("Re-drafted from the current facts")
    expect(cmo.locator("#draft-title")).to_contain_text("v2")
    assert "1-888-555-0777" in cmo.locator("#letter-text").input_value()
    expect(cmo.get_by_test_id("review-state")).to_have_text("draft")

    # Enough hard prose to lift the whole letter's grade above the plain tone's target.
    text = cmo.locator("#letter-text").input_value() + ("\n\n" + HARD) * 6 + "\n"
    set_letter(cmo, text)
    cmo.locator("#save-button").click()
    expect(cmo.locator("#draft-title")).to_contain_text("v3")
    expect(cmo.get_by_test_id("acknowledge")).to_contain_text("readability")
    cmo.get_by_role("button", name="Acknowledge and approve v3 as cmo").click()
    expect(cmo.locator("#review-panel [role=alert]")).to_contain_text("acknowledge")
    assert _acknowledgements(live_app, draft_id) == []
    cmo.get_by_label("I have read these warnings and accept them").check()
    cmo.get_by_role("button", name="Acknowledge and approve v3 as cmo").click()
    expect(cmo.get_by_test_id("review-state")).to_have_text("in review")
    acks = _acknowledgements(live_app, draft_id)
    assert (
        len(acks) == 1
        and acks[0]["role"] == "cmo"
        and any(f["rule"].startswith("readability.") for f in acks[0]["findings"])
    )


def test_asking_for_a_letter_nobody_needs_makes_it_and_says_why(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 50")
    cmo = new_page("cmo")
    cmo.goto("/")
    row = cmo.locator(f"[data-draft-id='{draft_id}']")
    card = cmo.locator("section[data-testid=incident]", has=row)
    card.get_by_label("Add a letter for").fill("US-TX")
    card.get_by_role("button", name="Add letter").click()
    expect(cmo.locator(".flash")).to_contain_text("Added the US-TX letter")
    expect(cmo.locator(".flash")).to_contain_text("No US-TX letter is required")
    expect(
        cmo.locator(
            "section[data-testid=incident]", has=cmo.locator(f"[data-draft-id='{draft_id}']")
        ).get_by_test_id("draft-row")
    ).to_have_count(2)
