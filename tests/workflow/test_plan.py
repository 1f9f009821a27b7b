"""The tracked plan on the real store (SQLite, and PostgreSQL when configured): items survive fact
changes (new ones appear, withdrawn ones are kept and marked, moved deadlines keep the old value,
recorded progress is never lost), updates are version-checked, validated and audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from support.storedb import example

from app.core.errors import Conflict, InvalidInput
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.merge_models import MergeJob
from app.workflow import audit, incidents
from app.workflow import plan as plan_mod
from app.workflow.plan_updates import ItemChange, update_item
from app.workflow.plan_view import plan_rows

TX_AG = "Texas Attorney General (online form)"


def _facts(**changes) -> IncidentFacts:
    data = example("retailer-card-breach")
    for key, value in changes.items():
        if key == "discovery_date":
            data["incident"]["discovery_date"] = value
        else:
            data[key] = value
    return IncidentFacts.model_validate(data)


def _create(store) -> int:
    with store.session() as s:
        return incidents.create_incident(
            s, store.ctx, store.users["responder"], _facts()
        ).incident.id


def _update(store, incident_id: int, facts: IncidentFacts) -> None:
    with store.session() as s:
        version = repo.get_incident(s, incident_id).facts_version
        incidents.update_facts(s, store.ctx, store.users["security"], incident_id, facts, version)


def _rows(store, incident_id: int) -> list[dict]:
    with store.session() as s:
        return plan_rows(s, incident_id, store.ctx.now())


def _tx_ag(rows: list[dict]) -> dict:
    return next(r for r in rows if r["jurisdiction"] == "US-TX" and r["recipient"] == TX_AG)


def _mark_done(store, incident_id: int, row: dict) -> dict:
    with store.session() as s:
        update_item(
            s,
            store.users["compliance"],
            incident_id,
            row["id"],
            ItemChange(
                status="done",
                sent_at=datetime(2026, 10, 2, 14, 30, tzinfo=UTC),
                method="portal",
                reference="#123",
            ),
            row["version"],
        )
    return _tx_ag(_rows(store, incident_id))


def test_plan_is_stored_sorted_by_due(store):
    incident_id = _create(store)
    rows = _rows(store, incident_id)
    tx = _tx_ag(rows)
    assert tx["status"] == "open" and tx["due"] == "2026-10-20" and tx["applicable"]
    assert tx["citation"].startswith("Tex. Bus. & Com. Code")
    moments = [r["deadline_moment"] for r in rows if r["deadline_moment"]]
    assert moments == sorted(moments, key=datetime.fromisoformat)
    assert all(r["deadline_moment"] for r in rows[: len(moments)])  # no fixed date: last


def test_progress_survives_fact_changes(store):
    incident_id = _create(store)
    before = _rows(store, incident_id)
    done = _mark_done(store, incident_id, _tx_ag(before))
    assert done["status"] == "done" and done["reference"] == "#123"
    assert done["sent_by"] == "compliance@test.example"

    # A later discovery date moves the deadline: the old value is kept, progress too.
    _update(store, incident_id, _facts(discovery_date="2026-09-25"))
    moved = _tx_ag(_rows(store, incident_id))
    assert moved["id"] == done["id"]
    assert (moved["due"], moved["previous_due"], moved["due_revision"]) == (
        "2026-10-25",
        "2026-10-20",
        1,
    )
    assert moved["status"] == "done" and moved["reference"] == "#123"
    assert moved["sent_at"].startswith("2026-10-02T14:30")

    # Fewer than 250 Texans: the AG notice no longer applies; it is kept, marked, still done.
    affected = example("retailer-card-breach")["affected"] | {"US-TX": 120}
    _update(store, incident_id, _facts(discovery_date="2026-09-25", affected=affected))
    rows = _rows(store, incident_id)
    gone = _tx_ag(rows)
    assert gone["applicable"] is False and gone["withdrawn_in"] == 3
    assert gone["status"] == "done" and gone["reference"] == "#123"
    assert len(rows) >= len(before)
    assert rows[-1]["applicable"] is False  # withdrawn items sort last

    # A new residence brings new items; the AG notice comes back as it was.
    affected = example("retailer-card-breach")["affected"] | {"US-FL": 800}
    _update(store, incident_id, _facts(discovery_date="2026-09-25", affected=affected))
    rows = _rows(store, incident_id)
    back = _tx_ag(rows)
    assert back["id"] == done["id"] and back["applicable"] and back["status"] == "done"
    assert any(r["jurisdiction"] == "US-FL" for r in rows)
    ids = [r["id"] for r in rows]
    assert set(r["id"] for r in before) <= set(ids)  # nothing was ever deleted

    with store.session() as s:
        actions = [
            e.action
            for e in repo.audit_entries(s, after=0, limit=10_000)
            if e.entity == "plan_item"
        ]
        assert {
            "plan.item_added",
            "plan.item_updated",
            "plan.due_changed",
            "plan.item_withdrawn",
            "plan.item_reinstated",
        } <= set(actions)
        assert audit.verify(s).ok


def test_overdue_and_hours(store):
    incident_id = _create(store)
    with store.session() as s:
        late = plan_rows(s, incident_id, datetime(2026, 10, 22, tzinfo=UTC))
        soon = plan_rows(s, incident_id, datetime(2026, 10, 19, 12, tzinfo=UTC))
    assert _tx_ag(late)["overdue"] and _tx_ag(late)["time_left"].startswith("OVERDUE")
    assert _tx_ag(soon)["time_left"] == "36 hours left" and not _tx_ag(soon)["overdue"]
    done = _mark_done(store, incident_id, _tx_ag(_rows(store, incident_id)))
    with store.session() as s:
        after = _tx_ag(plan_rows(s, incident_id, datetime(2026, 10, 22, tzinfo=UTC)))
    assert done["status"] == "done" and not after["overdue"] and after["time_left"] == ""


def test_stale_version_and_bad_changes_are_refused(store):
    incident_id = _create(store)
    row = _tx_ag(_rows(store, incident_id))
    user = store.users["compliance"]
    with store.session() as s:
        update_item(
            s, user, incident_id, row["id"], ItemChange(status="in_progress"), row["version"]
        )
    with store.session() as s, pytest.raises(Conflict) as err:
        update_item(s, user, incident_id, row["id"], ItemChange(status="open"), row["version"])
    assert "version" in err.value.message
    current = _tx_ag(_rows(store, incident_id))
    cases = [
        (ItemChange(status="done", method="portal"), "sent_at"),
        (ItemChange(status="done", sent_at=datetime(2026, 10, 2, tzinfo=UTC)), "method"),
        (ItemChange(status="not_required"), "reason"),
        (ItemChange(status="finished"), "status"),
        (ItemChange(method="pigeon"), "method"),
        (ItemChange(sent_at=datetime(2026, 10, 2)), "sent_at"),
        (ItemChange(proof_draft_id=1, proof_version=1), "proof_draft_id"),  # regulator item
    ]
    for change, field in cases:
        with store.session() as s, pytest.raises(InvalidInput) as err:
            update_item(s, user, incident_id, row["id"], change, current["version"])
        assert err.value.details[0]["field"] == field
    assert _tx_ag(_rows(store, incident_id)) == current  # nothing half-written


def test_not_required_records_reason_and_decider(store):
    incident_id = _create(store)
    row = _tx_ag(_rows(store, incident_id))
    with store.session() as s:
        update_item(
            s,
            store.users["compliance"],
            incident_id,
            row["id"],
            ItemChange(status="not_required", reason="No-harm determination of 2026-09-30"),
            row["version"],
        )
    after = _tx_ag(_rows(store, incident_id))
    assert after["status"] == "not_required" and after["reason"].startswith("No-harm")
    assert after["decided_by"] == store.users["compliance"].id


def test_letter_version_links_as_proof_of_individuals_item(store):
    incident_id = _create(store)
    rows = _rows(store, incident_id)
    item = next(
        r for r in rows if r["jurisdiction"] == "US-TX" and r["obligation"] == "individuals"
    )
    with store.session() as s:
        draft = next(d for d in repo.list_drafts(s, incident_id) if "US-TX" in d.jurisdictions)
        other = next(d for d in repo.list_drafts(s, incident_id) if "US-TX" not in d.jurisdictions)
    with store.session() as s, pytest.raises(InvalidInput):
        update_item(
            s,
            store.users["compliance"],
            incident_id,
            item["id"],
            ItemChange(proof_draft_id=other.id, proof_version=1),
            item["version"],
        )
    # A merge job id is proof only when that job exists for this incident.
    with store.session() as s, pytest.raises(InvalidInput, match="no merge job job-abc"):
        update_item(
            s,
            store.users["compliance"],
            incident_id,
            item["id"],
            ItemChange(proof_draft_id=draft.id, proof_version=1, proof_merge="job-abc"),
            item["version"],
        )
    with store.session() as s:
        s.add(
            MergeJob(
                id="job-abc",
                incident_id=incident_id,
                status="done",
                format="txt",
                mode="per_variant",
                plan={},
                chunk_size=1000,
            )
        )
        s.commit()
    with store.session() as s:
        update_item(
            s,
            store.users["compliance"],
            incident_id,
            item["id"],
            ItemChange(proof_draft_id=draft.id, proof_version=1, proof_merge="job-abc"),
            item["version"],
        )
    linked = next(r for r in _rows(store, incident_id) if r["id"] == item["id"])
    assert linked["proof"] == {"draft_id": draft.id, "version": 1, "merge": "job-abc"}


def test_sync_is_idempotent(store):
    incident_id = _create(store)
    with store.session() as s:
        incident = repo.get_incident(s, incident_id)
        changes = plan_mod.sync_plan(
            s, store.ctx, None, incident, repo.current_facts(s, incident_id)
        )
        s.commit()
    assert changes.as_dict() == {"added": [], "withdrawn": [], "reinstated": [], "moved": []}
    assert date.fromisoformat(_tx_ag(_rows(store, incident_id))["due"]) == date(2026, 10, 20)
