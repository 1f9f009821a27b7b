"""The merge re-proves each letter for each recipient, and refuses stale letters and uncovered people
(issue #10 items 2 and 3): real store, real checks, real merge engine (text output)."""

from __future__ import annotations

import csv
import json

import pytest
from support.recipients import person, write_rows
from support.storedb import change_toll_free, example

from app.domain.facts import IncidentFacts
from app.export import assemble
from app.export.merge import MergeError, run_merge
from app.export.plan import plan_from_store
from app.store import repositories as repo
from app.workflow import drafts, incidents, reviews

MA_WHAT = "\n## What Happened\n\nCriminals put malicious code on our checkout page and copied card numbers.\n"


def _incident(store, name: str = "retailer-card-breach", **changes) -> tuple[int, dict[str, int]]:
    data = example(name)
    data.update(changes)
    with store.session() as s:
        made = incidents.create_incident(
            s, store.ctx, store.users["responder"], IncidentFacts.model_validate(data)
        )
        return made.incident.id, {d.draft.variant: d.draft.id for d in made.drafts}


def _approve(store, draft_id: int, *, waive_errors: bool = False) -> None:
    with store.session() as s:
        d = drafts.detail(s, draft_id)
        if waive_errors:
            for f in d.report.findings:
                if f.severity.value == "error" and not f.waived:
                    drafts.waive(
                        s,
                        store.ctx,
                        store.users["compliance"],
                        draft_id,
                        d.version.number,
                        f.id,
                        "Counsel wants the description kept",
                    )
    for who in ("cmo", "security"):
        with store.session() as s:
            d = drafts.detail(s, draft_id)
            reviews.approve(
                s,
                store.ctx,
                store.users[who],
                draft_id,
                d.version.number,
                acknowledged=[f.id for f in reviews.needs_acknowledgement(d.report)],
            )


def _recipients(path, codes: list[str], per: int = 3) -> None:
    write_rows(
        path,
        (
            person(f"{code}-{i}", code[3:], name=f"Pat {code} {i}", activation_code="A1")
            for code in codes
            for i in range(per)
        ),
    )


def test_a_waived_massachusetts_violation_is_never_mailed_to_massachusetts(store, tmp_path):
    incident_id, ids = _incident(store)
    big, ma = ids["US-CA+US-NY+US-OR+US-TX+US-WA"], ids["US-MA"]
    with store.session() as s:
        v = repo.get_version(s, ma)
        drafts.save_version(s, store.ctx, store.users["cmo"], ma, v.text + MA_WHAT, v.number)
    _approve(store, big)
    _approve(store, ma, waive_errors=True)  # approval is possible with a waiver...
    with store.session() as s:
        plan = plan_from_store(s, incident_id, ctx=store.ctx)
    assert (
        plan.refusals["US-MA"][0] == "legal_check_failed" and "US-MA" in plan.refusals["US-MA"][1]
    )
    assert set(plan.refusals) == {"US-MA"}
    _recipients(tmp_path / "r.csv", ["US-MA", "US-CA", "US-NY"])
    result = run_merge(plan, tmp_path / "r.csv", tmp_path / "out", fmt="text")
    # ...but no Massachusetts resident receives the letter that breaks Massachusetts law.
    assert result.reject_reasons["legal_check_failed"] == 3 and result.produced == 6
    manifest = list(csv.DictReader(open(tmp_path / "out" / "manifest.csv", encoding="utf-8")))
    assert {r["residence"] for r in manifest} == {"US-CA", "US-NY"}
    assert {r["variant"] for r in manifest} == {"US-CA+US-NY+US-OR+US-TX+US-WA"}
    assert (tmp_path / "out" / "letters" / "US-CA+US-NY+US-OR+US-TX+US-WA").is_dir()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (
        summary["proofs"]["US-MA"]["ok"] is False
        and "legal.us-ma.what_happened" in summary["proofs"]["US-MA"]["rules"]
    )
    assert (
        summary["proofs"]["US-CA"]["ok"] is True and "US-CA" in summary["proofs"]["US-CA"]["laws"]
    )
    # A single export of the approved MA letter is not released either.
    with store.session() as s:
        draft = repo.get_draft(s, ma)
        failed = [
            p
            for p in assemble.export_proof(s, store.ctx, draft, repo.get_version(s, ma))
            if not p.ok
        ]
        assert [p.code for p in failed] == ["legal_check_failed"]


def test_stale_letters_and_approvals_on_old_facts_refuse_the_merge(store):
    incident_id, ids = _incident(store)
    for did in ids.values():
        _approve(store, did)
    with store.session() as s:
        change_toll_free(s, store, incident_id, "1-855-555-0100", by="security")
    with store.session() as s, pytest.raises(MergeError, match="stale") as exc:
        plan_from_store(s, incident_id, ctx=store.ctx)
    assert (
        str(ids["US-MA"]) in exc.value.message
        or str(ids["US-CA+US-NY+US-OR+US-TX+US-WA"]) in exc.value.message
    )


def test_people_no_draft_covers_refuse_the_merge_naming_them(store):
    incident_id, ids = _incident(store)
    for did in ids.values():
        _approve(store, did)
    with store.session() as s:
        # No draft lists the Texas residents (as when a residence appears that no draft could be made for).
        for d in repo.list_drafts(s, incident_id):
            d.residences = [r for r in d.residences if r != "US-TX"]
        s.commit()
    with store.session() as s, pytest.raises(MergeError, match="no draft covers Texas") as exc:
        plan_from_store(s, incident_id, ctx=store.ctx)
    assert "2,210 people" in exc.value.message
