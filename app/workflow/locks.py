"""Row locks for read-modify-write steps (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.store.models import Draft, Incident


def lock_draft(session: Session, draft_id: int) -> Draft:
    """The draft row, locked and freshly read for this transaction."""
    draft = session.execute(
        select(Draft)
        .where(Draft.id == draft_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if draft is None:
        raise NotFound(
            f"Draft {draft_id} does not exist. List an incident's drafts with GET /api/v1/incidents/{{id}}/drafts."
        )
    return draft


def lock_incident(session: Session, incident_id: int) -> Incident:
    """The incident row, locked and freshly read for this transaction."""
    inc = session.execute(
        select(Incident)
        .where(Incident.id == incident_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if inc is None:
        raise NotFound(
            f"Incident {incident_id} does not exist. List incidents with GET /api/v1/incidents."
        )
    return inc
