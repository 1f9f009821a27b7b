"""Issue 12, items 5-7 in Chromium: downloads and print from the draft page, the tablet layout
(no horizontal overflow at 768 px on any page, findings in a side sheet), the dashboard's plain
deadline labels and collapsed voided approvals, and screenshots kept out of the working tree."""

from __future__ import annotations

import csv
import email
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABLET = {"width": 768, "height": 1024}


def _download(page, link) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_downloads_from_the_draft_page(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo")
    page.goto(f"/drafts/{draft_id}")
    box = page.get_by_test_id("downloads")
    box.locator("summary").click()
    expect(box).to_contain_text("DRAFT — NOT APPROVED")
    pdf = _download(page, box.get_by_role("link", name="PDF", exact=True))
    assert pdf.startswith(b"%PDF")
    assert "DRAFT" in _pdf_text(pdf)
    docx = _download(page, box.get_by_role("link", name="Word (.docx)"))
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = z.read("word/document.xml").decode()
    assert "DRAFT" in body and "Northwind Outfitters" in body
    txt = _download(page, box.get_by_role("link", name="Plain text")).decode()
    assert "DRAFT" in txt and "Northwind Outfitters" in txt and "**" not in txt
    msg = email.message_from_bytes(_download(page, box.get_by_role("link", name="E-mail (.eml)")))
    assert msg["Subject"] and "DRAFT" in msg["Subject"]
    checklist_pdf = _download(page, box.get_by_role("link", name="Checklist (PDF)"))
    assert checklist_pdf.startswith(b"%PDF")
    rows = list(
        csv.reader(
            io.StringIO(
                _download(page, box.get_by_role("link", name="Checklist (CSV)")).decode("utf-8-sig")
            )
        )
    )
    assert len(rows) > 2


def test_print_is_formatted_and_marked_draft(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("security")
    page.goto(f"/drafts/{draft_id}")
    page.get_by_role("link", name="Print letter").click()
    letter = page.locator("article.letter-print")
    # Formatted: headings and list items, no Markdown markers left.
    expect(letter.locator("h1")).to_have_count(1)
    assert letter.locator("h2").count() >= 3
    assert letter.locator("li").count() >= 3
    assert letter.locator("strong").count() >= 1
    assert "**" not in letter.inner_text() and "## " not in letter.inner_text()
    expect(page.get_by_test_id("draft-marking")).to_contain_text("DRAFT — NOT APPROVED")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("draft-marking")).to_be_visible()
    expect(page.locator(".print-watermark")).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()


def _no_overflow(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    inner = page.evaluate("() => window.innerWidth")
    assert width <= inner, f"{url}: page is {width} px wide in a {inner} px window"


def test_no_horizontal_overflow_at_768_px_on_any_page(new_page, new_draft):  # type: ignore[no-untyped-def]
    resp = new_page("responder", **TABLET)
    draft_id = new_draft(resp, affected="US-CA 1200\nUS-NY 800\nUS-MA 30")
    incident = resp.evaluate("() => location.hash.slice(5)") or "1"
    _no_overflow(resp, "/incidents/new")
    _no_overflow(resp, "/")
    _no_overflow(resp, f"/incidents/{incident}/facts")
    _no_overflow(resp, f"/incidents/{incident}/plan")
    _no_overflow(resp, f"/incidents/{incident}")
    for role in ("cmo", "compliance"):
        page = new_page(role, **TABLET)
        for url in (
            "/",
            f"/drafts/{draft_id}",
            f"/drafts/{draft_id}/history",
            f"/drafts/{draft_id}/history?a=1&b=1&mode=side",
            f"/drafts/{draft_id}/checklist",
            f"/drafts/{draft_id}/print",
            f"/drafts/{draft_id}/facts-update",
        ):
            _no_overflow(page, url)
    _no_overflow(page, f"/incidents/{incident}/merge")
    anon = new_page(None, **TABLET)
    _no_overflow(anon, "/login")


def test_findings_side_sheet_on_a_tablet(new_page, new_draft):  # type: ignore[no-untyped-def]
    draft_id = new_draft(new_page("responder"), affected="US-CA 40")
    page = new_page("cmo", **TABLET)
    page.goto(f"/drafts/{draft_id}")
    panel = page.locator("#side-panel")
    expect(page.locator("#check-status")).to_contain_text("Checked", timeout=30_000)
    expect(panel).to_be_hidden()
    toggle = page.locator("#sheet-toggle")
    expect(toggle).to_contain_text(re.compile(r"\(\d+\)"))
    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    box = panel.bounding_box()
    assert box and box["x"] + box["width"] <= TABLET["width"] + 1
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    # On a wide screen the panel sits beside the letter and the button is not shown.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(panel).to_be_visible()
    expect(toggle).to_be_hidden()


def test_dashboard_plain_labels_and_voided_approvals(new_page, new_draft, set_letter):  # type: ignore[no-untyped-def]
    resp = new_page("responder")
    draft_id = new_draft(resp, affected="US-CA 1200\nUS-NY 800")
    cmo = new_page("cmo")
    cmo.goto(f"/drafts/{draft_id}")
    cmo.get_by_role("button", name="Approve v1 as cmo").click()
    expect(cmo.locator("[data-testid=review][data-role=cmo]")).to_contain_text("approved v1")
    cmo.goto("/")
    row = cmo.locator(f"[data-testid=draft-row][data-draft-id='{draft_id}']")
    expect(row).to_contain_text("cmo: cmo@example.test approved v1")
    expect(row.get_by_test_id("voided-approvals")).to_have_count(0)
    deadlines = cmo.locator(".deadline")
    assert deadlines.count() >= 1
    text = " ".join(deadlines.all_inner_texts())
    assert "notify" not in text and "Tell the" in text
    if cmo.locator(".deadline[data-obligation=cra]").count():
        expect(cmo.locator(".deadline[data-obligation=cra]").first).to_contain_text(
            "Tell the credit bureaus"
        )
    # A new version voids the approval: the dashboard folds it away under a summary.
    cmo.goto(f"/drafts/{draft_id}")
    set_letter(cmo, cmo.locator("#letter-text").input_value() + "\n\nOne more line.\n")
    cmo.get_by_role("button", name="Save as v2").click()
    expect(cmo.locator(".flash")).to_contain_text("Saved as v2")
    cmo.goto("/")
    voided = row.get_by_test_id("voided-approvals")
    expect(voided.locator("summary")).to_have_text("1 earlier approval (voided)")
    expect(voided.locator(".approval")).to_be_hidden()
    expect(row).to_contain_text("none on v2")
    voided.locator("summary").click()
    expect(voided.locator(".approval")).to_contain_text("approved v1")


def test_screenshots_go_to_a_temporary_folder(new_page, shot):  # type: ignore[no-untyped-def]
    if os.environ.get("CANDOR_SCREENSHOTS") == "1":
        pytest.skip("make screenshots writes into docs/screenshots on purpose")
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    before = {p.name: p.stat().st_mtime_ns for p in docs.glob("*.png")}
    page = new_page(None)
    page.goto("/login")
    path = shot(page, "login-under-test")
    assert path.is_file() and docs not in path.parents
    after = {p.name: p.stat().st_mtime_ns for p in docs.glob("*.png")}
    assert after == before, "a test run wrote into docs/screenshots"
