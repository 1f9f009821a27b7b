"""The dashboard's draft views cost a fixed number of queries, however many incidents, drafts,
versions, reviews and reviewers there are (select-in loading through the store's relationships),
on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event
from support.storedb import example

from app.core.timestamps import utcnow
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.enums import ReviewDecision
from app.store.models import Review
from app.ui.pages.common import draft_view
from app.workflow import incidents as wf_incidents


def _add_incident(store, tones: list[str]) -> None:
    facts = IncidentFacts.model_validate(example())
    with store.session() as s:
        created = wf_incidents.create_incident(
            s, store.ctx, s.merge(store.users["responder"]), facts, tones=tones
        )
        for d in created.drafts:
            version = repo.get_version(s, d.draft.id)
            for role in ("cmo", "security"):
                s.add(
                    Review(
                        version_id=version.id,
                        user_id=store.users[role].id,
                        role=role,
                        decision=ReviewDecision.APPROVED,
                        comment="",
                        created_at=utcnow(),
                    )
                )
        s.commit()


def _dashboard(store) -> tuple[int, list[dict]]:
    """(statements run, draft views) for what the dashboard shows."""
    count = [0]

    def _count(*_args) -> None:  # type: ignore[no-untyped-def]
        count[0] += 1

    event.listen(store.db.engine, "before_cursor_execute", _count)
    try:
        with store.db.reads() as s:
            views = [
                draft_view(s, d, {}) for inc in repo.incidents_with_drafts(s) for d in inc.drafts
            ]
    finally:
        event.remove(store.db.engine, "before_cursor_execute", _count)
    return count[0], views


def test_dashboard_queries_do_not_grow_with_the_drafts(store):
    _add_incident(store, ["plain"])
    few, views = _dashboard(store)
    assert views and all(len(v["approvals"]) == 2 and v["approvals_valid"] for v in views)
    _add_incident(store, ["plain", "formal"])
    _add_incident(store, ["plain", "empathetic"])
    many, more = _dashboard(store)
    assert len(more) >= 3 * len(views)
    assert many == few, f"{few} statements for {len(views)} drafts, {many} for {len(more)}"
    assert {r["email"] for v in more for r in v["approvals"]} == {
        "cmo@test.example",
        "security@test.example",
    }
