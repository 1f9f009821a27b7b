"""Spanish letters beside the English ones (issue 19.6) and the merge's choice of each recipient's
language (issue 17): creating an incident drafts a Spanish letter for the residences whose
recipients the facts say read Spanish; a facts change adds one for a newly Spanish-reading
residence; the merge sends each recipient the letter in the `language` column's language, falls
back to English where none is approved (counted apart in the summary). Real store (SQLite and
PostgreSQL), real checks, real merge engine (text output)."""

from __future__ import annotations

import csv
import json

from support.approvals import approve_every_draft
from support.recipients import COLUMNS, person, write_rows
from support.storedb import example

from app.domain.facts import IncidentFacts
from app.export.merge import run_merge
from app.export.merge_tasks import plan_from_dict, plan_to_dict
from app.export.plan import plan_from_store
from app.store import repositories as repo
from app.workflow import incidents

BIG = "US-CA+US-NY+US-OR+US-TX+US-WA"


def _facts(languages: dict[str, str]) -> IncidentFacts:
    data = example("retailer-card-breach")
    data["recipient_languages"] = languages
    return IncidentFacts.model_validate(data)


def _create(store, languages: dict[str, str]):
    with store.session() as s:
        made = incidents.create_incident(s, store.ctx, store.users["responder"], _facts(languages))
        kinds = {(d.draft.variant, d.draft.language): d for d in made.drafts}
        return made.incident.id, kinds, made.warnings


def test_creating_an_incident_drafts_spanish_letters_where_recipients_read_spanish(store):
    _, kinds, warnings = _create(store, {"US-CA": "es", "US-TX": "es", "US-NY": "de"})
    assert set(kinds) == {(BIG, "en"), ("US-MA", "en"), ("US-CA+US-TX", "es")}
    spanish = kinds[("US-CA+US-TX", "es")]
    assert spanish.draft.channel == "letter" and spanish.draft.residences == ["US-CA", "US-TX"]
    assert "Aviso de violación de datos" in spanish.version.text
    # checked with the Spanish rules (Spanish formulas), and Candor's own draft passes them
    assert {"fernandez_huerta", "szigriszt_pazos"} <= set(spanish.report.readability)
    assert "flesch_kincaid_grade" not in spanish.report.readability
    assert not [f.rule for f in spanish.report.findings if f.severity.value in ("error", "warning")]
    # German has no templates: the English letter must be translated, and the response says so
    assert any("'de'" in w and "translated" in w for w in warnings)


def test_english_only_facts_draft_no_spanish_letter(store):
    _, kinds, _ = _create(store, {})
    assert {lang for _, lang in kinds} == {"en"}


def test_a_facts_change_drafts_a_spanish_letter_for_a_newly_spanish_residence(store):
    incident_id, kinds, _ = _create(store, {"US-CA": "es"})
    assert ("US-CA", "es") in kinds
    with store.session() as s:
        impact = incidents.update_facts_with_impact(
            s,
            store.ctx,
            store.users["responder"],
            incident_id,
            _facts({"US-CA": "es", "US-WA": "es"}),
            1,
        ).impact
    added = {(d.draft.variant, d.draft.language) for d in impact.created}
    assert added == {("US-WA", "es")} and impact.uncovered == []
    with store.session() as s:
        entry = [
            e
            for e in repo.audit_entries(s, entity="incident", entity_id=incident_id, limit=100)
            if e.action == "facts.drafts_added"
        ][-1]
        assert entry.details["languages"] == {"es": ["US-WA"]}


def test_the_merge_picks_each_recipients_language_and_counts_english_fallbacks(store, tmp_path):
    incident_id, kinds, _ = _create(store, {"US-CA": "es"})
    with store.session() as s:
        approve_every_draft(s, incident_id)
    rows = [
        person("ca-es", "CA", language="es"),
        person("ca-es-mx", "CA", language="es-MX"),
        person("ca-en", "CA", language=""),
        person("ny-es", "NY", language="es"),  # no Spanish letter for New York: English, counted
        person("ma-en", "MA", language="en"),
    ]
    write_rows(tmp_path / "r.csv", rows, [*COLUMNS, "language"])
    with store.session() as s:
        plan = plan_from_store(s, incident_id, ctx=store.ctx)
    assert plan.proofs["US-CA.es"]["ok"] is True
    result = run_merge(plan, tmp_path / "r.csv", tmp_path / "out", fmt="text")
    assert result.produced == 5
    manifest = {
        r["recipient_id"]: r["variant"]
        for r in csv.DictReader(open(tmp_path / "out" / "manifest.csv", encoding="utf-8"))
    }
    assert manifest == {
        "ca-es": "US-CA.es",
        "ca-es-mx": "US-CA.es",
        "ca-en": BIG,
        "ny-es": BIG + ".en-fallback",
        "ma-en": "US-MA",
    }
    letter = (tmp_path / "out" / "letters" / "US-CA.es" / "ca-es.txt").read_text(encoding="utf-8")
    assert "Estimado" in letter or "Aviso" in letter
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (
        summary["per_variant"][BIG + ".en-fallback"] == 1
        and summary["per_variant"]["US-CA.es"] == 2
    )
    # the plan a merge job stores for its workers keeps the translations and the fallback
    stored = plan_from_dict(json.loads(json.dumps(plan_to_dict(plan))))
    assert stored == plan and stored.letter_for("US-CA", "es").variant_id == "US-CA.es"
    assert stored.letter_for("US-NY", "es").variant_id == BIG + ".en-fallback"
