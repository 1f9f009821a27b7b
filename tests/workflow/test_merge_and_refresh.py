"""Stale saves merge three-way; overlaps need an audited choice; new facts reach drafts as an applicable diff.

Real store (SQLite and PostgreSQL), real rendering and checks.
"""

from __future__ import annotations

import pytest
from support.storedb import change_toll_free, example

from app.core.errors import Conflict, InvalidInput
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.workflow import drafts, incidents, refresh


def _incident(store, **changes):  # type: ignore[no-untyped-def]
    data = example()
    data.update(changes)
    with store.session() as s:
        made = incidents.create_incident(
            s, store.ctx, store.users["responder"], IncidentFacts.model_validate(data)
        )
        d = made.drafts[0]
        return made.incident.id, d.draft.id, d.version.text


def _audit(s, action):  # type: ignore[no-untyped-def]
    return [e for e in repo.audit_entries(s, limit=1000) if e.action == action]


def test_stale_save_of_other_sentences_is_merged_and_says_so(store):  # type: ignore[no-untyped-def]
    _, draft_id, v1 = _incident(store)
    first_line = v1.splitlines()[0]
    alice = v1.replace(first_line, first_line + " (Alice)", 1)
    bob = v1.rstrip("\n") + "\n\nP.S. Bob's closing line.\n"
    with store.session() as s:
        drafts.save_version(s, store.ctx, store.users["cmo"], draft_id, alice, 1)
    with store.session() as s:
        d = drafts.save_version(
            s, store.ctx, store.users["security"], draft_id, bob, 1
        )  # stale: v2 exists
        assert d.version.number == 3
        assert d.merged == {"base_version": 1, "merged_with": 2, "changes_kept_from_theirs": 1}
        assert "(Alice)" in d.version.text and "Bob's closing line." in d.version.text
        saved = _audit(s, "draft.saved")[-1]
        assert saved.details["merged"]["merged_with"] == 2


def test_overlapping_stale_save_shows_both_sides_and_saves_nothing(store):  # type: ignore[no-untyped-def]
    _, draft_id, v1 = _incident(store)
    with store.session() as s:
        drafts.save_version(
            s, store.ctx, store.users["cmo"], draft_id, v1 + "\nAlice's closing line.\n", 1
        )
    with store.session() as s, pytest.raises(Conflict) as exc:
        drafts.save_version(
            s, store.ctx, store.users["security"], draft_id, v1 + "\nBob's closing line.\n", 1
        )
    details = exc.value.details
    assert details["current_version"] == 2 and "base_version 2" in exc.value.message
    (overlap,) = details["overlaps"]
    assert "Bob's" in overlap["yours"] and "Alice's" in overlap["theirs"]
    with store.session() as s:
        assert repo.get_draft(s, draft_id).current_version == 2
        with pytest.raises(InvalidInput) as missing:
            drafts.resolve_overlaps(
                s,
                store.ctx,
                store.users["security"],
                draft_id,
                v1 + "\nBob's closing line.\n",
                1,
                2,
                {},
            )
        assert missing.value.details == [
            {"field": "choices.0", "message": "one of ours, theirs, both"}
        ]
    with store.session() as s:
        d = drafts.resolve_overlaps(
            s,
            store.ctx,
            store.users["security"],
            draft_id,
            v1 + "\nBob's closing line.\n",
            1,
            2,
            {0: "ours"},
        )
        assert (
            d.version.number == 3 and "Bob's" in d.version.text and "Alice's" not in d.version.text
        )
        choice = _audit(s, "draft.saved")[-1].details["resolved"]["choices"][0]
        assert (
            choice["kept"] == "ours" and "Alice's closing line." in choice["dropped"]
        )  # the drop is on record


def test_new_facts_show_as_a_diff_and_apply_keeps_the_authors_other_edits(store):  # type: ignore[no-untyped-def]
    incident_id, draft_id, v1 = _incident(store)
    assert "1-855-555-0142" in v1
    edited = v1.replace("Dear ", "Hello ", 1)
    with store.session() as s:
        drafts.save_version(s, store.ctx, store.users["cmo"], draft_id, edited, 1)
        change_toll_free(s, store, incident_id, "1-888-555-0199")
    with store.session() as s:
        assert drafts.detail(s, draft_id).facts_changed
        up = refresh.preview(s, store.ctx, draft_id)
        assert (
            up.pending
            and up.letter_changes
            and (up.from_facts, up.to_facts, up.version) == (1, 2, 2)
        )
        assert (
            up.merge.clean
            and "1-888-555-0199" in up.proposed
            and "1-855-555-0142" not in up.proposed
        )
        assert up.proposed.startswith(edited[:5])  # the author's edit stays
    with store.session() as s:
        d = refresh.apply(s, store.ctx, store.users["cmo"], draft_id, 2, 2)
        assert d.version.number == 3 and d.version.facts_version == 2 and not d.facts_changed
        assert (
            "1-888-555-0199" in d.version.text
            and d.version.text.startswith("Hello")
            or "Hello " in d.version.text
        )
        assert _audit(s, "draft.saved")[-1].details["facts_applied"] == {
            "from_facts": 1,
            "to_facts": 2,
            "choices": [],
        }
        with pytest.raises(Conflict):
            refresh.apply(s, store.ctx, store.users["cmo"], draft_id, 3, 2)  # nothing left to apply


def test_new_facts_in_a_sentence_the_author_edited_need_a_choice(store):  # type: ignore[no-untyped-def]
    incident_id, draft_id, v1 = _incident(store)
    line = next(ln for ln in v1.splitlines() if "1-855-555-0142" in ln)
    sentence = next(s for s in line.split(". ") if "1-855-555-0142" in s)
    with store.session() as s:
        drafts.save_version(
            s,
            store.ctx,
            store.users["cmo"],
            draft_id,
            v1.replace(sentence, sentence + " any day"),
            1,
        )
        change_toll_free(s, store, incident_id, "1-888-555-0199")
    with store.session() as s:
        up = refresh.preview(s, store.ctx, draft_id)
        assert not up.merge.clean and up.proposed is None
        o = up.merge.overlaps[0]
        assert "any day" in o.ours and "1-888-555-0199" in o.theirs
        with pytest.raises(InvalidInput):
            refresh.apply(s, store.ctx, store.users["cmo"], draft_id, 2, 2)
        with pytest.raises(Conflict):
            refresh.apply(
                s, store.ctx, store.users["cmo"], draft_id, 1, 2, {0: "theirs"}
            )  # stale draft version
    with store.session() as s:
        d = refresh.apply(s, store.ctx, store.users["cmo"], draft_id, 2, 2, {0: "theirs"})
        assert "1-888-555-0199" in d.version.text and "1-855-555-0142" not in d.version.text
