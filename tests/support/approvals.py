"""Set-up for export and merge tests: every draft of an incident approved at once.

Written straight into the store (a CMO and a security review per draft's current version, the
draft marked approved): the review rules themselves are tested in tests/workflow.
"""

from __future__ import annotations

from typing import Any

from app.core.timestamps import utcnow
from app.store import repositories as repo
from app.store.models import Review


def approve_every_draft(session: Any, incident_id: int) -> list[Any]:
    """Approve each draft of the incident as the store's first CMO and security user; commit and
    return the drafts."""
    reviewers: dict[str, Any] = {}
    for user in repo.list_users(session):
        if user.role in ("cmo", "security"):
            reviewers.setdefault(user.role, user)
    drafts = repo.list_drafts(session, incident_id)
    for draft in drafts:
        version = repo.get_version(session, draft.id)
        for role, user in reviewers.items():
            session.add(
                Review(
                    version_id=version.id,
                    user_id=user.id,
                    role=role,
                    decision="approved",
                    comment="",
                    created_at=utcnow(),
                )
            )
        draft.state = "approved"
    session.commit()
    return drafts
