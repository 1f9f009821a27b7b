"""Comments on a draft's text: anchored to a range, threaded, resolvable, kept across versions.

Every role that works on the letter may read, comment, reply and resolve (a comment is how a
reviewer who may not edit says what should change). Ranges are code-point offsets into the named
version's text, like check report offsets. Threads listed for a version are re-anchored to it;
those whose words are gone are `orphaned` (start/end null). Every change is in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import CurrentUser, SessionDep
from app.api.openapi import conflict
from app.auth.policy import allow
from app.auth.roles import ROLES
from app.workflow import comments as svc

router = APIRouter(tags=["comments"])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CommentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
COMMENTERS = ROLES


class CommentCreate(BaseModel):
    """A new comment on [start, end) of version `version`'s text (code points)."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=2**31 - 1, description="The version the range refers to.")
    start: int = Field(ge=0, description="Start offset (code points) into that version's text.")
    end: int = Field(ge=1, description="End offset (exclusive).")
    body: str = Field(min_length=1, max_length=svc.MAX_BODY, description="The comment.")


class ReplyCreate(BaseModel):
    """A reply in a comment's thread."""

    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=svc.MAX_BODY)


def _thread(session: Any, draft_id: int, comment_id: int) -> dict[str, Any]:
    for t in svc.threads(session, draft_id):
        if t["id"] == comment_id or any(r["id"] == comment_id for r in t["replies"]):
            return t
    return {"id": comment_id}


@router.get("/drafts/{draft_id}/comments", dependencies=[allow(*COMMENTERS)])
def list_comments(
    draft_id: DraftId,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[dict[str, Any]]:
    """Every comment thread, anchored on `version` (default: the current one), oldest first."""
    return svc.threads(session, draft_id, version)


@router.post(
    "/drafts/{draft_id}/comments",
    status_code=201,
    dependencies=[allow(*COMMENTERS)],
)
def add_comment(
    draft_id: DraftId, body: CommentCreate, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Comment on a range of a version's text; returns the thread."""
    c = svc.add(session, user, draft_id, body.version, body.start, body.end, body.body)
    return _thread(session, draft_id, c.id)


@router.post(
    "/drafts/{draft_id}/comments/{comment_id}/replies",
    status_code=201,
    dependencies=[allow(*COMMENTERS)],
)
def reply(
    draft_id: DraftId,
    comment_id: CommentId,
    body: ReplyCreate,
    session: SessionDep,
    user: CurrentUser,
) -> dict[str, Any]:
    """Reply in a thread; returns the thread."""
    c = svc.reply(session, user, draft_id, comment_id, body.body)
    return _thread(session, draft_id, c.id)


@router.post(
    "/drafts/{draft_id}/comments/{comment_id}/resolve",
    dependencies=[allow(*COMMENTERS)],
    responses=conflict(
        "the thread is resolved already, or this is a reply, not its first comment."
    ),
)
def resolve(
    draft_id: DraftId, comment_id: CommentId, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Mark a thread resolved (409 if it already is)."""
    svc.set_resolved(session, user, draft_id, comment_id, True)
    return _thread(session, draft_id, comment_id)


@router.post(
    "/drafts/{draft_id}/comments/{comment_id}/reopen",
    dependencies=[allow(*COMMENTERS)],
    responses=conflict("the thread is open."),
)
def reopen(
    draft_id: DraftId, comment_id: CommentId, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Reopen a resolved thread (409 if it is open)."""
    svc.set_resolved(session, user, draft_id, comment_id, False)
    return _thread(session, draft_id, comment_id)
