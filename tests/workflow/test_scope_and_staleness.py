"""Draft scope, 'draft only what is needed', staleness on facts changes and approval acknowledgements
(issue #10 items 1, 2, 7 and #19 item 5), on the real store (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from support.storedb import change_toll_free, example

from app.core.errors import Conflict
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.workflow import drafts, incidents, reviews, staleness, states


def _facts(name: str, **changes) -> IncidentFacts:
    data = example(name)
    data.update(changes)
    return IncidentFacts.model_validate(data)


def _create(store, name: str, tones=("plain",), **changes):
    with store.session() as s:
        made = incidents.create_incident(
            s, store.ctx, store.users["responder"], _facts(name, **changes), tones=list(tones)
        )
        return (
            made.incident.id,
            {(d.draft.variant, d.draft.tone): d.draft.id for d in made.drafts},
            made.warnings,
        )


def _approve(store, draft_id: int, number: int = 1) -> None:
    for who in ("cmo", "security"):
        with store.session() as s:
            report = drafts.detail(s, draft_id, number).report
            ack = [f.id for f in reviews.needs_acknowledgement(report)]
            reviews.approve(s, store.ctx, store.users[who], draft_id, number, acknowledged=ack)


def test_saas_incident_drafts_no_massachusetts_letter(store):
    _, made, warnings = _create(store, "saas-credentials")
    assert set(made) == {("US-CA+US-NY", "plain"), ("EU-GDPR", "plain")}
    # Only the languages the EU letter's readers may need are flagged (#19.6).
    assert [w.split(":")[0] for w in warnings] == [
        "People in France read official letters in French",
        "People in Germany read official letters in German",
    ]


def test_hospital_drafts_only_where_patients_live(store):
    _, made, _ = _create(store, "hospital-ransomware")
    assert [v for v, _ in made] == ["US-HIPAA+US-IL+US-IN+US-MO"]
    assert not any(c in v for v, _ in made for c in ("US-CA", "US-MA", "US-NY"))


def test_asking_for_an_unneeded_letter_works_but_says_why(store):
    incident_id, _, _ = _create(store, "saas-credentials")
    with store.session() as s:
        d = incidents.add_draft(s, store.ctx, store.users["cmo"], incident_id, "US-MA", "plain")
        assert d.draft.residences == ["US-MA"]
        assert any(w.startswith("No US-MA letter is required") for w in d.warnings), d.warnings
        d2 = incidents.add_draft(s, store.ctx, store.users["cmo"], incident_id, "US-TX", "plain")
        assert d2.draft.residences == [] and any("Texas" in w for w in d2.warnings), d2.warnings
        logged = [e for e in repo.audit_entries(s, limit=1000) if e.action == "draft.not_required"]
        assert {e.entity_id for e in logged} == {d.draft.id, d2.draft.id}


def test_a_redraft_in_another_tone_keeps_the_scope(store):
    incident_id, made, _ = _create(store, "retailer-card-breach")
    with store.session() as s:
        original = repo.get_draft(s, made[("US-MA", "plain")])
        d = incidents.add_draft(
            s, store.ctx, store.users["cmo"], incident_id, "US-MA", "empathetic"
        )
        assert d.draft.residences == original.residences == ["US-MA"]
        assert d.warnings == []
        big = repo.get_draft(s, made[("US-CA+US-NY+US-OR+US-TX+US-WA", "plain")])
        assert "US-MA" not in big.residences


def test_replace_tone_is_a_new_version_of_the_same_draft(store):
    _, made, _ = _create(store, "retailer-card-breach")
    draft_id = made[("US-MA", "plain")]
    _approve(store, draft_id)
    with store.session() as s:
        d = drafts.redraft(s, store.ctx, store.users["cmo"], draft_id, "formal", 1)
        assert (d.draft.id, d.draft.tone, d.version.number, d.draft.state) == (
            draft_id,
            "formal",
            2,
            states.DRAFT,
        )
        assert d.draft.residences == ["US-MA"] and d.reviews == []
        assert [v.number for v in repo.list_versions(s, draft_id)] == [1, 2]
        assert d.report.stats["tone"] == "formal"
        saved = [e for e in repo.audit_entries(s, limit=1000) if e.action == "draft.saved"][-1]
        assert saved.details["previous_tone"] == "plain" and saved.details["tone"] == "formal"


def test_facts_change_makes_affected_approvals_stale_and_drafts_new_residences(store):
    incident_id, made, _ = _create(store, "retailer-card-breach")
    big, ma = made[("US-CA+US-NY+US-OR+US-TX+US-WA", "plain")], made[("US-MA", "plain")]
    _approve(store, big)
    _approve(store, ma)
    with store.session() as s:
        reviews.sign_off(s, store.ctx, store.users["compliance"], big, 1)
    data = example("retailer-card-breach")
    data["affected"]["US-FL"] = 300
    data["contacts"]["toll_free"]["number"] = "1-855-555-0199"
    with store.session() as s:
        upd = incidents.update_facts_with_impact(
            s,
            store.ctx,
            store.users["security"],
            incident_id,
            IncidentFacts.model_validate(data),
            1,
        )
        stale_ids = {e["draft_id"] for e in upd.impact.stale}
        assert big in stale_ids
        entry = next(e for e in upd.impact.stale if e["draft_id"] == big)
        assert entry["previous_state"] == states.SIGNED_OFF and entry["signed_off"]
        assert {a["role"] for a in entry["approvals"]} == {"cmo", "security"}
        assert [d.draft.residences for d in upd.impact.created] == [["US-FL"]]
        assert upd.impact.uncovered == []
    with store.session() as s:
        assert repo.get_draft(s, big).state == states.STALE
        assert staleness.stale_reasons(s, repo.get_draft(s, big))
        assert [e.action for e in repo.audit_entries(s, entity="draft", entity_id=big, limit=100)][
            -1
        ] == "draft.stale"
    with store.session() as s, pytest.raises(Conflict, match="stale"):
        reviews.approve(s, store.ctx, store.users["cmo"], big, 1)
    with store.session() as s:  # a re-draft from the current facts starts a new review
        d = drafts.redraft(s, store.ctx, store.users["cmo"], big, "plain", 1)
        assert d.draft.state == states.DRAFT and "1-855-555-0199" in d.version.text


def test_a_change_that_does_not_touch_a_letter_leaves_its_approval(store):
    incident_id, made, _ = _create(store, "retailer-card-breach")
    ma = made[("US-MA", "plain")]
    _approve(store, ma)
    data = example("retailer-card-breach")
    data["affected"]["US-TX"] = (
        2300  # another variant's residents; the MA letter never states counts
    )
    with store.session() as s:
        upd = incidents.update_facts_with_impact(
            s,
            store.ctx,
            store.users["security"],
            incident_id,
            IncidentFacts.model_validate(data),
            1,
        )
        assert ma not in {e["draft_id"] for e in upd.impact.stale}
        assert repo.get_draft(s, ma).state == states.APPROVED


def test_approving_a_version_written_on_old_facts_is_refused(store):
    incident_id, made, _ = _create(store, "retailer-card-breach")
    ma = made[("US-MA", "plain")]
    with store.session() as s:
        change_toll_free(s, store, incident_id, "1-855-555-0111", by="security")
    with store.session() as s:
        # A save that raced the facts change: its text still carries the old number.
        draft = repo.get_draft(s, ma)
        draft.state = states.DRAFT
        s.commit()
    with store.session() as s, pytest.raises(Conflict, match="facts changed") as exc:
        reviews.approve(s, store.ctx, store.users["cmo"], ma, 1)
    assert exc.value.details["reasons"]


def test_open_warnings_need_an_acknowledgement_before_approval(store):
    _, made, _ = _create(store, "retailer-card-breach")
    ma = made[("US-MA", "plain")]
    hard = (
        "Comprehensive organizational investigations subsequently identified unauthorized administrative "
        "infrastructure modifications. Additional precautionary verification procedures were implemented "
        "immediately thereafter. Organizational representatives will communicate supplementary information periodically."
    )
    with store.session() as s:
        text = (
            repo.get_version(s, ma, 1).text + "\n" + "\n\n".join([hard] * 6) + "\n"
        )  # enough to pass the tone's target
        d = drafts.save_version(s, store.ctx, store.users["cmo"], ma, text, 1)
        open_ = reviews.needs_acknowledgement(d.report)
        assert open_ and any(f.check == "readability" for f in open_)
    with store.session() as s, pytest.raises(Conflict, match="acknowledge") as exc:
        reviews.approve(s, store.ctx, store.users["cmo"], ma, 2)
    assert {f["id"] for f in exc.value.details["acknowledge"]} == {f.id for f in open_}
    with store.session() as s:
        reviews.approve(s, store.ctx, store.users["cmo"], ma, 2, acknowledged=[f.id for f in open_])
        acks = [
            e
            for e in repo.audit_entries(s, limit=1000)
            if e.action == "draft.warnings_acknowledged"
        ]
        assert len(acks) == 1 and acks[0].details["role"] == "cmo"
        assert {f["id"] for f in acks[0].details["findings"]} == {f.id for f in open_}
