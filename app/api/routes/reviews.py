"""Two-person approval, change requests and compliance sign-off of a draft version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import CurrentUser, SessionDep, WorkflowDep
from app.api.openapi import conflict
from app.api.schemas import ChangesCreate, DraftPublic, ReviewCreate
from app.auth.policy import allow
from app.workflow import reviews as svc

router = APIRouter(tags=["reviews"])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/drafts/{draft_id}/versions/{number}/approve",
    response_model=DraftPublic,
    dependencies=[allow("cmo", "security")],
    responses=conflict(
        "not the current version, open warnings not acknowledged, facts changed the letter, or the state does not allow approval."
    ),
)
def approve(
    draft_id: DraftId,
    number: Number,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    body: ReviewCreate | None = None,
) -> DraftPublic:
    """Approve this version (CMO or security; both, as different users, make it approved).

    Open warnings on legal elements and readability above the tone's target must be listed in
    `acknowledged` (409 names them otherwise); a version written on facts that have changed its
    letter since is refused (409). The body is optional.
    """
    body = body or ReviewCreate()
    return DraftPublic.of(
        svc.approve(
            session, ctx, user, draft_id, number, body.comment, acknowledged=body.acknowledged
        )
    )


@router.post(
    "/drafts/{draft_id}/versions/{number}/request-changes",
    response_model=DraftPublic,
    dependencies=[allow("cmo", "security", "compliance")],
    responses=conflict("not the current version, or the state does not allow it."),
)
def request_changes(
    draft_id: DraftId,
    number: Number,
    body: ChangesCreate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
) -> DraftPublic:
    """Send this version back for editing with a comment saying what to change."""
    return DraftPublic.of(svc.request_changes(session, ctx, user, draft_id, number, body.comment))


@router.post(
    "/drafts/{draft_id}/versions/{number}/sign-off",
    response_model=DraftPublic,
    dependencies=[allow("compliance")],
    responses=conflict("the version is not approved and current, or facts changed the letter."),
)
def sign_off(
    draft_id: DraftId,
    number: Number,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    body: ReviewCreate | None = None,
) -> DraftPublic:
    """Compliance signs off the per-jurisdiction checklist of an approved version (body optional)."""
    body = body or ReviewCreate()
    return DraftPublic.of(svc.sign_off(session, ctx, user, draft_id, number, body.comment))
