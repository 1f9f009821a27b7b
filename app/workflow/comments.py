"""Comments on the letter text: anchored to a range, threaded, resolvable, kept across versions.

A comment names the version and the code-point range it was made on, and the text it covered.
Shown on a later version it is re-anchored (app.workflow.anchors); when its words are gone it is
listed as orphaned, never dropped. Every role that works on the letter may comment, reply and
resolve; every change is in the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput, NotFound
from app.store import repositories as repo
from app.store.models import Comment, User, utcnow
from app.workflow import audit
from app.workflow.anchors import map_range

MAX_BODY = 4000


def _body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(
            "Write the comment first: it is empty.",
            details=[{"field": field, "message": "must not be empty"}],
        )
    if len(body) > MAX_BODY:
        raise InvalidInput(
            f"The comment is {len(body)} characters; keep it under {MAX_BODY}.",
            details=[{"field": field, "message": f"at most {MAX_BODY} characters"}],
        )
    return body


def _get(session: Session, draft_id: int, comment_id: int) -> Comment:
    c = session.get(Comment, comment_id)
    if c is None or c.draft_id != draft_id:
        raise NotFound(f"Draft {draft_id} has no comment {comment_id}.")
    return c


def add(
    session: Session, actor: User, draft_id: int, version: int, start: int, end: int, body: str
) -> Comment:
    """Comment on [start, end) (code points) of version `version`. Commits."""
    text = repo.get_version(session, draft_id, version).text
    if not (0 <= start < end <= len(text)):
        raise InvalidInput(
            f"The range {start}-{end} is not a piece of v{version}'s text ({len(text)} characters): "
            "select the words to comment on.",
            details=[{"field": "start", "message": f"0 <= start < end <= {len(text)}"}],
        )
    c = Comment(
        draft_id=draft_id,
        version=version,
        start_offset=start,
        end_offset=end,
        quote=text[start:end],
        body=_body(body),
        author_id=actor.id,
        author_role=actor.role,
        created_at=utcnow(),
    )
    session.add(c)
    session.flush()
    audit.record(
        session,
        actor,
        "comment.added",
        "draft",
        draft_id,
        version,
        {"comment": c.id, "start": start, "end": end, "chars": len(c.body)},
    )
    session.commit()
    return c


def reply(session: Session, actor: User, draft_id: int, comment_id: int, body: str) -> Comment:
    """Reply in the thread of comment `comment_id`. Commits."""
    root = _get(session, draft_id, comment_id)
    if root.parent_id is not None:
        root = _get(session, draft_id, root.parent_id)
    c = Comment(
        draft_id=draft_id,
        parent_id=root.id,
        version=repo.get_draft(session, draft_id).current_version,
        quote="",
        body=_body(body),
        author_id=actor.id,
        author_role=actor.role,
        created_at=utcnow(),
    )
    session.add(c)
    session.flush()
    audit.record(
        session,
        actor,
        "comment.replied",
        "draft",
        draft_id,
        c.version,
        {"comment": c.id, "thread": root.id},
    )
    session.commit()
    return c


def set_resolved(
    session: Session, actor: User, draft_id: int, comment_id: int, resolved: bool
) -> Comment:
    """Resolve (or reopen) a thread. Commits."""
    c = _get(session, draft_id, comment_id)
    if c.parent_id is not None:
        raise Conflict("Resolve the thread from its first comment, not from a reply.")
    if (c.resolved_at is not None) == resolved:
        raise Conflict(f"Comment {comment_id} is already {'resolved' if resolved else 'open'}.")
    c.resolved_at = utcnow() if resolved else None
    c.resolved_by = actor.id if resolved else None
    audit.record(
        session,
        actor,
        "comment.resolved" if resolved else "comment.reopened",
        "draft",
        draft_id,
        c.version,
        {"comment": c.id},
    )
    session.commit()
    return c


def threads(session: Session, draft_id: int, number: int | None = None) -> list[dict[str, Any]]:
    """Every thread of the draft, anchored on version `number` (default: current).

    Each: id, version it was made on, start/end on the shown version (None when orphaned),
    orphaned, quote, body, author (email, role), created_at, resolved, replies (oldest first).
    """
    shown = repo.get_version(session, draft_id, number)
    rows = session.scalars(
        select(Comment).where(Comment.draft_id == draft_id).order_by(Comment.id)
    ).all()
    texts: dict[int, str] = {}
    emails: dict[int, str] = {}

    def text_of(v: int) -> str:
        if v not in texts:
            texts[v] = repo.get_version(session, draft_id, v).text
        return texts[v]

    def email(uid: int | None) -> str | None:
        if uid is None:
            return None
        if uid not in emails:
            emails[uid] = repo.get_user(session, uid).email
        return emails[uid]

    def view(c: Comment) -> dict[str, Any]:
        return {
            "id": c.id,
            "body": c.body,
            "author": email(c.author_id),
            "role": c.author_role,
            "created_at": c.created_at.isoformat(timespec="seconds") if c.created_at else None,
        }

    out: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for c in rows:
        if c.parent_id is None:
            if c.version > shown.number:
                continue  # made on a later version than the one shown
            span = None
            if c.start_offset is not None:
                span = map_range(
                    text_of(c.version), shown.text, c.start_offset, c.end_offset or 0, c.quote
                )
            thread = {
                **view(c),
                "version": c.version,
                "start": span[0] if span else None,
                "end": span[1] if span else None,
                "orphaned": span is None,
                "quote": c.quote,
                "resolved": c.resolved_at is not None,
                "resolved_by": email(c.resolved_by),
                "replies": [],
            }
            by_id[c.id] = thread
            out.append(thread)
        elif c.parent_id in by_id:
            by_id[c.parent_id]["replies"].append(view(c))
    return out
