"""Pure helpers behind the pages: redline diff, targets, policy (the facts form: test_facts_form.py)."""

from __future__ import annotations

from app.ui.views import checklist_sections, readability_targets
from app.workflow.redline import redline


def test_redline_marks_only_changed_words() -> None:
    diff = redline("You may have been affected.", "You were affected.")
    assert diff == [
        ("equal", "You "),
        ("delete", "may have been"),
        ("insert", "were"),
        ("equal", " affected."),
    ]
    assert "".join(t for op, t in diff if op != "insert") == "You may have been affected."
    assert "".join(t for op, t in diff if op != "delete") == "You were affected."


def test_redline_identical_texts_are_one_equal_segment() -> None:
    assert redline("Same text.\n", "Same text.\n") == [("equal", "Same text.\n")]


def test_redline_shows_a_rewritten_phrase_whole_not_interleaved() -> None:
    assert redline("the quick brown fox jumps", "a slow red dog jumps") == [
        ("delete", "the quick brown fox"),
        ("insert", "a slow red dog"),
        ("equal", " jumps"),
    ]
    diff = redline(
        "We found it on May 1, 2026 and told the police.",
        "We found it on June 3, 2026 and told the FBI.",
    )
    assert (
        ("delete", "May 1") in diff and ("insert", "June 3") in diff and ("insert", "FBI") in diff
    )
    for op, text in diff:  # no change cuts a word
        assert op == "equal" or not (text[:1].isalnum() and text[:1] != text.lstrip()[:1])


def test_readability_targets_come_from_rules(rulebook) -> None:  # type: ignore[no-untyped-def]
    for tone in ("plain", "empathetic", "formal"):
        t = readability_targets(rulebook, tone)
        assert t["grade_max"] is not None and 4 <= t["grade_max"] <= 16


def test_readability_targets_are_the_artifacts_own(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Each tone's own target, not the regulator notice's (its grade 12 once won for every tone);
    a regulator notice its own; a Spanish text the Spanish formulas' floors."""
    from app.ui.views import gauge

    def bounds(*args):  # type: ignore[no-untyped-def]
        t = readability_targets(rulebook, *args)
        return t["grade_max"], t["ease_min"]

    rules = rulebook.of_kind("readability")
    for tone in ("plain", "empathetic", "formal"):
        own = rules[f"readability.{tone}"].thresholds
        expected = (own["flesch_kincaid_grade"].max, own["flesch_reading_ease"].min)
        assert bounds(tone) == bounds(tone, "email", "en") == expected
    regulator = rules["readability.regulator"].thresholds
    assert bounds("plain", "regulator", "en") == (regulator["flesch_kincaid_grade"].max, 40)
    spanish = readability_targets(rulebook, "plain", "letter", "es")
    assert spanish["grade_max"] is None
    assert spanish["metrics"] == {
        m: {"min": v.min} for m, v in rules["es.readability.plain"].thresholds.items()
    }
    g = gauge(spanish)
    assert (g["metric"], g["op"], g["second"]["metric"]) == (
        "szigriszt_pazos",
        "min",
        "fernandez_huerta",
    )
    assert gauge(readability_targets(rulebook, "formal"))["target"] == expected[0]


def test_artifact_labels() -> None:
    from app.ui.views import artifact_label

    assert artifact_label("letter", "en") == "letter"
    assert artifact_label("email", "es") == "e-mail (Spanish)"
    assert artifact_label("regulator", "en") == "regulator notice"


def test_plain_language_row_in_spanish(rulebook) -> None:  # type: ignore[no-untyped-def]
    from app.export.checklist import plain_language

    targets = readability_targets(rulebook, "plain", "letter", "es")
    text, ok = plain_language({"szigriszt_pazos": 70.0, "fernandez_huerta": 75.0}, targets)
    assert ok and "Szigriszt-Pazos (INFLESZ) 70 (target ≥ 65)" in text
    text, ok = plain_language({"szigriszt_pazos": 50.0, "fernandez_huerta": 75.0}, targets)
    assert not ok
    english = readability_targets(rulebook, "plain")
    text, ok = plain_language({"flesch_kincaid_grade": 6.04, "flesch_reading_ease": 71.2}, english)
    assert ok and text == "Flesch–Kincaid grade 6.0 (target ≤ 8); reading ease 71 (target ≥ 60)"


def test_checklist_sections_group_by_jurisdiction(rulebook) -> None:  # type: ignore[no-untyped-def]
    from app.checks.base import ElementResult, Report

    text = "We found the breach on March 3, 2026. Call 1-888-555-0193."
    report = Report(
        elements=[
            ElementResult(
                jurisdiction="US-CA",
                element="breach_date",
                requirement="required",
                detected=True,
                ok=True,
                start=13,
                end=36,
            ),
            ElementResult(
                jurisdiction="US-CA",
                element="toll_free_number",
                requirement="required",
                detected=False,
                ok=False,
            ),
        ]
    )
    (section,) = checklist_sections(report, text, rulebook, ["US-CA"])
    assert section["code"] == "US-CA"
    rows = {r["element"]: r for r in section["rows"]}
    assert rows["breach_date"]["evidence"] == "We found the breach on March 3, 2026."
    assert rows["toll_free_number"]["evidence"] is None
    assert section["rows"][0]["element"] == "toll_free_number"  # missing first
    # Provenance and the research's UNVERIFIED marks travel with the section.
    assert "1798.82" in section["title"] and section["reviewed"] == str(
        rulebook.jurisdiction("US-CA").reviewed
    )
    assert (
        section["unverified"] == list(rulebook.jurisdiction("US-CA").unverified)
        and section["unverified"]
    )


def test_checklist_evidence_under_a_heading_is_the_first_sentence(rulebook) -> None:  # type: ignore[no-untyped-def]
    from app.checks.base import ElementResult, Report

    text = "# Notice of Data Breach\n\n## What Information Was Involved\n\nYour name and card number. More text.\n"
    start = text.index("## What")
    report = Report(
        elements=[
            ElementResult(
                jurisdiction="US-CA",
                element="info_types",
                requirement="required",
                detected=True,
                ok=True,
                start=start,
                end=start + 32,
                evidence="## What Information Was Involved",
            ),
            ElementResult(
                jurisdiction="US-CA",
                element="title_notice_of_data_breach",
                requirement="required",
                detected=True,
                ok=True,
                start=0,
                end=23,
                evidence="# Notice of Data Breach",
            ),
        ]
    )
    rows = {
        r["element"]: r for r in checklist_sections(report, text, rulebook, ["US-CA"])[0]["rows"]
    }
    assert (
        rows["info_types"]["evidence"]
        == "What Information Was Involved: Your name and card number."
    )
    assert rows["title_notice_of_data_breach"]["evidence"] == "Notice of Data Breach"


def test_every_page_route_has_a_policy_entry() -> None:
    from fastapi.routing import APIRoute

    from app.auth.policy import route_rule
    from app.ui.pages import router

    for route in router.routes:
        assert isinstance(route, APIRoute)
        if route.path == "/login":
            continue
        assert route_rule(route) is not None, route.path


def test_docs_list_every_page_and_template() -> None:
    from fastapi.routing import APIRoute

    from app.core.config import PROJECT_ROOT
    from app.ui.pages import HERE, router

    doc = (PROJECT_ROOT / "docs" / "ui.md").read_text()
    for route in router.routes:
        assert isinstance(route, APIRoute)
        assert f"`{route.path.replace('{draft_id}', '{id}')}`" in doc, (
            f"{route.path} is missing from docs/ui.md"
        )
    for template in (HERE / "templates").glob("*.html"):
        assert f"`{template.name}`" in doc, f"template {template.name} is missing from docs/ui.md"


def test_merge_job_view_running_complete_and_unknown_total() -> None:
    from app.ui.views import merge_job_view, merge_polling

    running = merge_job_view(
        {
            "id": "abc123",
            "status": "running",
            "done": 10,
            "rejected": 2,
            "total": 48,
            "format": "pdf",
            "mode": "per-recipient",
            "created_at": 0,
            "created_by": "c@x.test",
        }
    )
    assert running["active"] and not running["finished"] and running["label"] == "running"
    assert (running["value"], running["total"], running["percent"]) == (12, 48, 25)
    assert running["manifest_url"] is None  # the manifest is final only when complete
    assert running["rejects_url"] == "/api/v1/exports/merges/abc123/rejects"
    assert running["created_at"] == "1970-01-01 00:00 UTC"
    counting = merge_job_view({"id": "d", "status": "queued", "total": None})
    assert counting["total"] is None and counting["value"] is None and counting["percent"] is None
    done = merge_job_view(
        {
            "id": "e",
            "status": "complete",
            "done": 30,
            "rejected": 2,
            "total": 32,
            "summary": {"per_variant": {"US-CA-plain": 30}, "reject_reasons": {"missing_state": 2}},
        },
        ["letters/US-CA-plain/r1.pdf"],
        29,
    )
    assert (
        done["label"] == "done"
        and done["finished"]
        and done["percent"] == 100
        and done["value"] == 32
    )
    assert done["manifest_url"] == "/api/v1/exports/merges/e/manifest"
    assert done["outputs"] == [
        {
            "path": "letters/US-CA-plain/r1.pdf",
            "url": "/api/v1/exports/merges/e/files/letters/US-CA-plain/r1.pdf",
        }
    ]
    assert done["more_outputs"] == 29 and done["reject_reasons"] == {"missing_state": 2}
    empty = merge_job_view({"id": "f", "status": "complete", "done": 0, "rejected": 0, "total": 0})
    assert empty["total"] == 0 and empty["percent"] == 100
    failed = merge_job_view(
        {"id": "g", "status": "failed", "error": "not a UTF-8 CSV file", "resumable": False}
    )
    assert (
        failed["finished"]
        and not failed["active"]
        and failed["manifest_url"] is None
        and failed["rejects_url"] is None
    )
    interrupted = merge_job_view(
        {"id": "h", "status": "interrupted", "done": 5, "total": 9, "resumable": True}
    )
    assert interrupted["resumable"] and not interrupted["active"]
    assert (
        merge_polling([done, running])
        and not merge_polling([done, failed, interrupted])
        and not merge_polling([])
    )


def test_merge_letters_splits_approved_from_the_rest() -> None:
    from app.export.plan import APPROVED_STATES
    from app.ui.views import merge_letters

    drafts = [
        {"id": 1, "state": "approved"},
        {"id": 2, "state": "in_review"},
        {"id": 3, "state": "signed_off"},
    ]
    split = merge_letters(drafts, APPROVED_STATES)
    assert [d["id"] for d in split["approved"]] == [1, 3] and [
        d["id"] for d in split["waiting"]
    ] == [2]
    assert [d["mailable"] for d in split["drafts"]] == [True, False, True]
    assert merge_letters([{"id": 2, "state": "draft"}], APPROVED_STATES)["approved"] == []
