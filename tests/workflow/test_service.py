"""The workflow service layer on SQLite and PostgreSQL: versions, 409s, approvals, waivers, sign-off."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from support.storedb import example

from app.checks.base import Finding, Report, Severity
from app.core.errors import Conflict, Forbidden, InvalidInput, TooLarge
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.workflow import audit, drafts, incidents, refresh, reviews, states


def _facts(**changes) -> IncidentFacts:
    data = example()
    data.update(changes)
    return IncidentFacts.model_validate(data)


def _incident(store, tones=("plain",)):
    with store.session() as s:
        made = incidents.create_incident(
            s, store.ctx, store.users["responder"], _facts(), tones=list(tones)
        )
        return made.incident.id, [d.draft.id for d in made.drafts]


def _error_checker(monkeypatch, rule="legal.test_error"):
    """Make every check report one error-level finding (the engine's output is not under test here)."""

    def fake(text_, **kw):
        return Report(
            findings=[
                Finding(
                    rule=rule,
                    check="legal",
                    severity=Severity.error,
                    message="Add the element.",
                    id="f-err-1",
                )
            ],
            rulebook=kw["rulebook"].hash,
        )

    monkeypatch.setattr(drafts, "run_checks", fake)


def test_create_incident_makes_a_draft_per_variant_and_tone_with_reports(store):
    with store.session() as s:
        made = incidents.create_incident(
            s, store.ctx, store.users["responder"], _facts(), tones=["plain", "formal"]
        )
        variants = {d.draft.variant for d in made.drafts}
        assert len(made.drafts) == 2 * len(variants) and len(variants) >= 2
        for d in made.drafts:
            assert (
                d.version.number == 1
                and d.version.text
                and d.report.rulebook == store.ctx.rulebook.hash
            )
            assert (
                d.version.rulebook_hash == store.ctx.rulebook.hash and d.draft.state == states.DRAFT
            )
        actions = [e.action for e in repo.audit_entries(s, limit=1000)]
        assert actions.count("draft.created") == len(made.drafts) and "incident.created" in actions


def test_unknown_tone_is_refused_before_anything_is_written(store):
    with store.session() as s, pytest.raises(InvalidInput) as exc:
        incidents.create_incident(
            s, store.ctx, store.users["responder"], _facts(), tones=["plain", "shouty"]
        )
    assert exc.value.details[0]["field"] == "tones[1]"
    with store.session() as s:
        assert repo.list_incidents(s) == []


def test_save_needs_the_current_version_and_a_stale_save_gets_409_with_the_current_one(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s:
        d2 = drafts.save_version(s, store.ctx, store.users["cmo"], draft_id, "Edited text.", 1)
        assert d2.version.number == 2 and d2.draft.current_version == 2
    with store.session() as s, pytest.raises(Conflict) as exc:
        drafts.save_version(s, store.ctx, store.users["security"], draft_id, "Other edit.", 1)
    assert exc.value.details["current_version"] == 2 and "base_version 2" in exc.value.message
    with store.session() as s:
        assert [v.text for v in repo.list_versions(s, draft_id)][1:] == ["Edited text."]
        assert repo.get_version(s, draft_id, 1).text != "Edited text."  # version 1 unchanged


def test_text_over_the_limit_is_413_and_writes_nothing(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s, pytest.raises(TooLarge):
        drafts.save_version(
            s,
            store.ctx,
            store.users["cmo"],
            draft_id,
            "x" * (store.ctx.settings.MAX_TEXT_CHARS + 1),
            1,
        )
    with store.session() as s:
        assert len(repo.list_versions(s, draft_id)) == 1


def test_versions_and_audit_entries_are_append_only_in_the_database(store):
    _, (draft_id, *_) = _incident(store)
    for sql in (
        "UPDATE draft_versions SET text = 'x'",
        "DELETE FROM draft_versions",
        "UPDATE audit_entries SET actor = 'x'",
        "DELETE FROM audit_entries",
        "UPDATE facts_versions SET number = 9",
    ):
        with store.db.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text(sql))
            conn.commit()


def test_two_person_approval_same_version(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s:
        d = reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)
        assert d.draft.state == states.IN_REVIEW
    with store.session() as s, pytest.raises(Conflict, match="already approved"):
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)
    with store.session() as s, pytest.raises(Conflict, match="cmo approval"):
        reviews.approve(s, store.ctx, store.users["cmo2"], draft_id, 1)
    with store.session() as s, pytest.raises(Forbidden):
        reviews.approve(s, store.ctx, store.users["compliance"], draft_id, 1)
    with store.session() as s:
        d = reviews.approve(s, store.ctx, store.users["security"], draft_id, 1)
        assert d.draft.state == states.APPROVED and {r.role for r in d.reviews} == {
            "cmo",
            "security",
        }


def test_edit_after_approval_voids_it_and_is_audited(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s:
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)
    with store.session() as s:
        reviews.approve(s, store.ctx, store.users["security"], draft_id, 1)
    with store.session() as s:
        d = drafts.save_version(s, store.ctx, store.users["responder"], draft_id, "Late edit.", 1)
        assert d.draft.state == states.DRAFT and d.reviews == []
        voided = [
            e for e in repo.audit_entries(s, limit=1000) if e.action == "draft.approvals_voided"
        ]
        assert len(voided) == 1 and {a["role"] for a in voided[0].details["approvals"]} == {
            "cmo",
            "security",
        }
    with store.session() as s, pytest.raises(Conflict, match="no longer current"):
        reviews.approve(
            s, store.ctx, store.users["cmo"], draft_id, 1
        )  # approving the old version is stale


def test_unwaived_error_blocks_approval_and_a_waiver_unblocks_it(store, monkeypatch):
    _error_checker(monkeypatch)
    _, (draft_id, *_) = _incident(store)
    with store.session() as s, pytest.raises(Conflict, match="not waived") as exc:
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)
    assert exc.value.details["findings"][0]["id"] == "f-err-1"
    with store.session() as s, pytest.raises(InvalidInput):
        drafts.waive(s, store.ctx, store.users["cmo"], draft_id, 1, "no-such-finding", "because")
    with store.session() as s:
        drafts.waive(
            s,
            store.ctx,
            store.users["compliance"],
            draft_id,
            1,
            "f-err-1",
            "Counsel struck this element",
        )
    with store.session() as s:
        d = drafts.detail(s, draft_id)
        assert (
            d.report.findings[0].waived
            and d.report.findings[0].waiver_reason == "Counsel struck this element"
        )
        assert not d.report.has_errors
        w = [e for e in repo.audit_entries(s, limit=1000) if e.action == "finding.waived"]
        assert w and w[0].details["reason"] == "Counsel struck this element" and w[0].version == 1
    with store.session() as s, pytest.raises(Conflict, match="already waived"):
        drafts.waive(s, store.ctx, store.users["cmo"], draft_id, 1, "f-err-1", "again")
    with store.session() as s:
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)


def test_changes_requested_sends_it_back_until_a_new_version(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s:
        d = reviews.request_changes(
            s, store.ctx, store.users["security"], draft_id, 1, "The breach dates are wrong."
        )
        assert d.draft.state == states.CHANGES
    with store.session() as s, pytest.raises(Conflict, match="changes_requested"):
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)
    with store.session() as s:
        fixed = (
            repo.get_version(s, draft_id, 1).text + "\n"
        )  # the rendered letter passes the checks
        d = drafts.save_version(s, store.ctx, store.users["cmo"], draft_id, fixed, 1)
        assert d.draft.state == states.DRAFT
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 2)


def test_sign_off_only_by_compliance_and_only_when_approved(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s, pytest.raises(Conflict, match="approved"):
        reviews.sign_off(s, store.ctx, store.users["compliance"], draft_id, 1)
    with store.session() as s:
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 1)
        reviews.approve(s, store.ctx, store.users["security"], draft_id, 1)
    with store.session() as s, pytest.raises(Forbidden):
        reviews.sign_off(s, store.ctx, store.users["cmo"], draft_id, 1)
    with store.session() as s:
        d = reviews.sign_off(
            s, store.ctx, store.users["compliance"], draft_id, 1, "Checklist complete."
        )
        assert d.draft.state == states.SIGNED_OFF and d.sign_off is not None
    with store.session() as s, pytest.raises(Conflict):
        reviews.sign_off(s, store.ctx, store.users["compliance"], draft_id, 1)


def test_facts_are_versioned_and_drafts_show_when_they_changed(store):
    incident_id, (draft_id, *_) = _incident(store)
    new = _facts(remediation=["We rebuilt the checkout page."])
    with store.session() as s:
        fv = incidents.update_facts(s, store.ctx, store.users["security"], incident_id, new, 1)
        assert fv.number == 2
    with store.session() as s, pytest.raises(Conflict) as exc:
        incidents.update_facts(s, store.ctx, store.users["responder"], incident_id, new, 1)
    assert exc.value.details["current_version"] == 2
    with store.session() as s:
        assert drafts.detail(s, draft_id).facts_changed
        assert [f.number for f in repo.facts_versions(s, incident_id)] == [1, 2]
        changed = [e for e in repo.audit_entries(s, limit=1000) if e.action == "facts.updated"][0]
        assert changed.details["changed"] == ["remediation"]
        # An edit keeps the facts its text was drafted from: the draft still shows the facts changed...
        d = drafts.save_version(
            s, store.ctx, store.users["cmo"], draft_id, "Edited, not yet from the new facts.", 1
        )
        assert d.version.facts_version == 1 and d.facts_changed
        # ...until the author applies the new facts (app.workflow.refresh).
        d = refresh.apply(s, store.ctx, store.users["cmo"], draft_id, 2, 2, {0: "theirs"})
        assert d.version.facts_version == 2 and not d.facts_changed


def test_every_state_change_is_in_a_verifiable_audit_chain(store):
    _, (draft_id, *_) = _incident(store)
    with store.session() as s:
        drafts.save_version(
            s,
            store.ctx,
            store.users["cmo"],
            draft_id,
            repo.get_version(s, draft_id, 1).text + "\n",
            1,
        )
        reviews.approve(s, store.ctx, store.users["cmo"], draft_id, 2)
        result = audit.verify(s)
        assert result.ok and result.entries == len(repo.audit_entries(s, limit=10_000))
        last = repo.audit_entries(s, limit=10_000)[-1]
        assert (last.action, last.actor, last.version) == ("draft.approved", "cmo@test.example", 2)


@pytest.mark.parametrize("state", states.STATES)
@pytest.mark.parametrize("action", ["save", "approve", "request_changes", "waive", "sign_off"])
def test_transition_table_refuses_everything_it_does_not_list(state, action):
    nxt = states.next_state(state, action)
    assert (nxt is None) == ((state, action) not in states.TRANSITIONS)
    if nxt is None:
        assert state in states.refusal(state, action)
