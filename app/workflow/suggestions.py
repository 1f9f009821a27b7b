"""Suggestions (track changes): proposed edits that the draft's editor accepts or rejects.

A reviewer in "suggesting" mode edits the letter; the edit is stored as one suggestion per changed
stretch (`propose_text` diffs it against the current version word by word), each a replacement of a
code-point range of that version. Accepting one saves the next version with that change (other
open suggestions stay open and follow the text: their ranges are re-mapped, app.workflow.anchors);
accepting all saves one version with every change that still applies; rejecting leaves the text
alone. A draft with open suggestions cannot be approved (app.workflow.reviews). Every change is
in the audit log.

Posting the same suggestion again (a double click, a client's retry) stores nothing new: an open
suggestion by the same user on the same version with the same range and replacement is that
suggestion, returned as it is. The draft row is locked while a post is stored, so two identical
posts at once cannot both add one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diff_match_patch import diff_match_patch
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.store import repositories as repo
from app.store.models import Suggestion, User, utcnow
from app.workflow import audit
from app.workflow import drafts as wf_drafts
from app.workflow.anchors import map_range
from app.workflow.context import WorkflowContext
from app.workflow.locks import lock_draft

SUGGESTERS = ("responder", "cmo", "security", "compliance", "admin")
DECIDERS = (
    "responder",
    "cmo",
    "admin",
)  # who edits the text (the draft's editor); security reviews
MAX_HUNKS = 50


def open_count(session: Session, draft_id: int) -> int:
    """Open suggestions on the draft (approval waits until there are none)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Suggestion)
            .where(Suggestion.draft_id == draft_id, Suggestion.status == "open")
        )
        or 0
    )


def _hunks(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) per changed stretch of `old`, cleaned up to whole words."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    diffs = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    out: list[tuple[int, int, str]] = []
    pos, cur = 0, None
    for op, chunk in diffs:
        if op == 0:
            if cur:
                out.append(cur)
                cur = None
            pos += len(chunk)
            continue
        if cur is None:
            cur = (pos, pos, "")
        if op == -1:
            cur = (cur[0], cur[1] + len(chunk), cur[2])
            pos += len(chunk)
        else:
            cur = (cur[0], cur[1], cur[2] + chunk)
    if cur:
        out.append(cur)
    return out


@dataclass
class Proposed:
    """The suggestions a post names, and whether it stored any (False: all were already open)."""

    suggestions: list[Suggestion]
    created: bool


def propose_text(
    session: Session, actor: User, draft_id: int, base_version: int, text: str
) -> Proposed:
    """Store the differences between version `base_version` (the current one) and `text` as
    suggestions (a difference already open as this user's suggestion is that one). Commits."""
    if actor.role not in SUGGESTERS:
        raise Forbidden(f"Your role ({actor.role}) cannot suggest edits.")
    draft = lock_draft(session, draft_id)
    if base_version != draft.current_version:
        raise Conflict(
            f"You suggested changes to v{base_version}, but v{draft.current_version} is current now: "
            "reload the draft and make your suggestions on it.",
            details={"current_version": draft.current_version},
        )
    old = repo.get_version(session, draft_id, base_version).text
    hunks = _hunks(old, text.replace("\r\n", "\n"))
    if not hunks:
        raise InvalidInput(
            f"Nothing to suggest: the text is the same as v{base_version}.",
            details=[{"field": "text", "message": "no change from the current version"}],
        )
    if len(hunks) > MAX_HUNKS:
        raise InvalidInput(
            f"{len(hunks)} separate changes in one go; suggest at most {MAX_HUNKS} at a time.",
            details=[{"field": "text", "message": f"at most {MAX_HUNKS} changed stretches"}],
        )
    made = [_store(session, actor, draft_id, base_version, old, s, e, r) for s, e, r in hunks]
    session.commit()
    return Proposed([m for m, _ in made], any(new for _, new in made))


def propose(
    session: Session,
    actor: User,
    draft_id: int,
    base_version: int,
    start: int,
    end: int,
    replacement: str,
) -> Proposed:
    """Store one suggestion: replace [start, end) of the current version with `replacement`
    (the same open suggestion by this user is returned instead of a second one). Commits."""
    if actor.role not in SUGGESTERS:
        raise Forbidden(f"Your role ({actor.role}) cannot suggest edits.")
    draft = lock_draft(session, draft_id)
    if base_version != draft.current_version:
        raise Conflict(
            f"v{base_version} is not the current version (v{draft.current_version}): reload and suggest again.",
            details={"current_version": draft.current_version},
        )
    old = repo.get_version(session, draft_id, base_version).text
    if not (0 <= start <= end <= len(old)):
        raise InvalidInput(
            f"The range {start}-{end} is outside v{base_version}'s text ({len(old)} characters).",
            details=[{"field": "start", "message": f"0 <= start <= end <= {len(old)}"}],
        )
    if old[start:end] == replacement:
        raise InvalidInput(
            "The replacement is the same as the text it replaces.",
            details=[{"field": "replacement", "message": "no change"}],
        )
    s, new = _store(session, actor, draft_id, base_version, old, start, end, replacement)
    session.commit()
    return Proposed([s], new)


def _same_open(
    session: Session, actor: User, draft_id: int, version: int, start: int, end: int, text: str
) -> Suggestion | None:
    """The open suggestion by `actor` of exactly this change on this version, if one exists."""
    return session.execute(
        select(Suggestion)
        .where(
            Suggestion.draft_id == draft_id,
            Suggestion.base_version == version,
            Suggestion.start_offset == start,
            Suggestion.end_offset == end,
            Suggestion.replacement == text,
            Suggestion.author_id == actor.id,
            Suggestion.status == "open",
        )
        .order_by(Suggestion.id)
        .limit(1)
    ).scalar_one_or_none()


def _store(
    session: Session,
    actor: User,
    draft_id: int,
    version: int,
    old: str,
    start: int,
    end: int,
    replacement: str,
) -> tuple[Suggestion, bool]:
    """The suggestion stored and audited, or the same open one already there; True when new.
    The caller holds the draft's row lock (lock_draft), so a twin post waits and then finds it."""
    same = _same_open(session, actor, draft_id, version, start, end, replacement)
    if same is not None:
        return same, False
    s = Suggestion(
        draft_id=draft_id,
        base_version=version,
        start_offset=start,
        end_offset=end,
        original=old[start:end],
        replacement=replacement,
        status="open",
        author_id=actor.id,
        author_role=actor.role,
        created_at=utcnow(),
    )
    session.add(s)
    session.flush()
    audit.record(
        session,
        actor,
        "suggestion.added",
        "draft",
        draft_id,
        version,
        {
            "suggestion": s.id,
            "start": start,
            "end": end,
            "deleted": end - start,
            "inserted": len(replacement),
        },
    )
    return s, True


def _get(session: Session, draft_id: int, suggestion_id: int) -> Suggestion:
    s = session.get(Suggestion, suggestion_id)
    if s is None or s.draft_id != draft_id:
        raise NotFound(f"Draft {draft_id} has no suggestion {suggestion_id}.")
    if s.status != "open":
        raise Conflict(f"Suggestion {suggestion_id} is already {s.status}.")
    return s


def _where(session: Session, s: Suggestion, text: str) -> tuple[int, int] | None:
    """The suggestion's range on the text `text`, or None if the words it replaces changed."""
    base = repo.get_version(session, s.draft_id, s.base_version).text
    if s.original:
        return map_range(base, text, s.start_offset, s.end_offset, s.original)
    dmp = diff_match_patch()  # a pure insertion: its point follows the text around it
    i = dmp.diff_xIndex(dmp.diff_main(base, text, False), s.start_offset)
    return i, i


def _decide(s: Suggestion, actor: User, status: str, result: int | None = None) -> None:
    s.status, s.decided_by, s.decided_at, s.result_version = status, actor.id, utcnow(), result


def _require_decider(actor: User) -> None:
    if actor.role not in DECIDERS:
        raise Forbidden(
            f"Your role ({actor.role}) suggests edits; the draft's editor ({', '.join(DECIDERS)}) accepts or rejects them."
        )


def accept(
    session: Session, ctx: WorkflowContext, actor: User, draft_id: int, ids: list[int] | None
) -> dict[str, Any]:
    """Apply the open suggestions `ids` (None: all open ones) as the next version. Commits.

    A suggestion whose words were changed since it was made cannot be applied: it stays open and
    is listed under `skipped`. Returns {version, accepted: [ids], skipped: [ids]}.
    """
    _require_decider(actor)
    draft = repo.get_draft(session, draft_id)
    if ids is None:
        rows = list(
            session.scalars(
                select(Suggestion).where(
                    Suggestion.draft_id == draft_id, Suggestion.status == "open"
                )
            )
        )
        if not rows:
            raise Conflict("There are no open suggestions on this draft.")
    else:
        rows = [_get(session, draft_id, i) for i in ids]
    current = repo.get_version(session, draft_id, draft.current_version)
    text, number = current.text, current.number
    placed, skipped = [], []
    for s in rows:
        where = _where(session, s, text)
        if where is None:
            skipped.append(s.id)
        else:
            placed.append((where, s))
    placed.sort(key=lambda p: (p[0][0], p[0][1]))
    applied: list[tuple[tuple[int, int], Suggestion]] = []
    for where, s in placed:  # overlapping suggestions: the first one wins, the rest stay open
        if applied and where[0] < applied[-1][0][1]:
            skipped.append(s.id)
        else:
            applied.append((where, s))
    if not applied:
        raise Conflict(
            "The text under these suggestions changed since they were made; they cannot be applied. "
            "Reject them, or ask for new suggestions on the current version.",
            details={"skipped": skipped},
        )
    new_text = text
    for (start, end), s in reversed(applied):
        new_text = new_text[:start] + s.replacement + new_text[end:]
    accepted = [s.id for _, s in applied]
    session.rollback()
    d = wf_drafts.save_version(
        session, ctx, actor, draft_id, new_text, number, note={"suggestions": accepted}
    )
    for sid in accepted:
        s = session.get(Suggestion, sid)
        if s is not None:
            _decide(s, actor, "accepted", d.version.number)
            audit.record(
                session,
                actor,
                "suggestion.accepted",
                "draft",
                draft_id,
                d.version.number,
                {"suggestion": sid, "author_role": s.author_role},
            )
    session.commit()
    return {"version": d.version.number, "accepted": accepted, "skipped": sorted(skipped)}


def reject(session: Session, actor: User, draft_id: int, suggestion_id: int) -> Suggestion:
    """Reject a suggestion: the text stays as it is, no version is made. Commits."""
    _require_decider(actor)
    s = _get(session, draft_id, suggestion_id)
    _decide(s, actor, "rejected")
    audit.record(
        session,
        actor,
        "suggestion.rejected",
        "draft",
        draft_id,
        s.base_version,
        {"suggestion": s.id, "author_role": s.author_role},
    )
    session.commit()
    return s


def listing(session: Session, draft_id: int, status: str | None = "open") -> list[dict[str, Any]]:
    """Suggestions of the draft (default: the open ones), with their range on the current version
    (start/end None when their words changed: `stale`)."""
    draft = repo.get_draft(session, draft_id)
    current = repo.get_version(session, draft_id, draft.current_version)
    q = select(Suggestion).where(Suggestion.draft_id == draft_id).order_by(Suggestion.id)
    if status:
        q = q.where(Suggestion.status == status)
    out = []
    emails: dict[int, str] = {}
    for s in session.scalars(q):
        where = _where(session, s, current.text) if s.status == "open" else None
        if s.author_id not in emails:
            emails[s.author_id] = repo.get_user(session, s.author_id).email
        out.append(
            {
                "id": s.id,
                "base_version": s.base_version,
                "start": where[0] if where else None,
                "end": where[1] if where else None,
                "stale": s.status == "open" and where is None,
                "original": s.original,
                "replacement": s.replacement,
                "status": s.status,
                "author": emails[s.author_id],
                "role": s.author_role,
                "created_at": s.created_at.isoformat(timespec="seconds") if s.created_at else None,
                "result_version": s.result_version,
            }
        )
    return out
