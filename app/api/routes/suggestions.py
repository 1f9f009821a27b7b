"""Suggestions (track changes) on a draft's text: proposed, then accepted or rejected.

Every role may suggest (SUGGESTERS); the draft's editor (DECIDERS: responder, cmo, admin) accepts
or rejects. Accepting saves the next version (the same save as an edit: checks, approvals of the
old version voided); rejecting makes no version. A draft with open suggestions cannot be approved.
Ranges are code-point offsets into the named version's text. Every change is in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.deps import CurrentUser, SessionDep, WorkflowDep
from app.api.openapi import conflict
from app.auth.policy import allow
from app.workflow import suggestions as svc

router = APIRouter(tags=["suggestions"])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SuggestionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class SuggestionCreate(BaseModel):
    """Either one replacement (`start`, `end`, `replacement`) or a whole edited `text`, which is
    stored as one suggestion per changed stretch. `version` must be the current version."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(
        ge=1, le=2**31 - 1, description="The current version the edit is based on."
    )
    start: int | None = Field(
        None, ge=0, description="Start offset (code points) of the range to replace."
    )
    end: int | None = Field(None, ge=0, description="End offset (exclusive).")
    replacement: str | None = Field(
        None, max_length=20_000, description="The proposed text for the range."
    )
    text: str | None = Field(
        None, max_length=200_000, description="The whole letter as the suggester edited it."
    )

    @model_validator(mode="after")
    def _one_form(self) -> SuggestionCreate:
        ranged = self.start is not None or self.end is not None or self.replacement is not None
        if ranged == (self.text is not None):
            raise ValueError("send either start, end and replacement, or text")
        if ranged and (self.start is None or self.end is None or self.replacement is None):
            raise ValueError("start, end and replacement go together")
        return self


class Decision(BaseModel):
    """Which open suggestions to accept together (all open ones when `ids` is omitted)."""

    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[int, Field(ge=1)]] | None = Field(None, max_length=500)


@router.get("/drafts/{draft_id}/suggestions", dependencies=[allow(*svc.SUGGESTERS)])
def list_suggestions(
    draft_id: DraftId,
    session: SessionDep,
    status: Annotated[Literal["open", "accepted", "rejected", "all"], Query()] = "open",
) -> list[dict[str, Any]]:
    """Suggestions with their author and range on the current version (`stale` when their words changed)."""
    return svc.listing(session, draft_id, None if status == "all" else status)


@router.post(
    "/drafts/{draft_id}/suggestions",
    status_code=201,
    dependencies=[allow(*svc.SUGGESTERS)],
    responses={
        200: {
            "description": "The same suggestions were already open (a repeated post): "
            "the existing ones, nothing new stored."
        },
        **conflict("`version` is not the current version."),
    },
)
def suggest(
    draft_id: DraftId,
    body: SuggestionCreate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> list[dict[str, Any]]:
    """Propose an edit; returns the suggestions made (one per changed stretch): 201 when any is
    new, 200 when the same ones by you were already open on this version (nothing stored twice)."""
    if body.text is not None:
        made = svc.propose_text(session, user, draft_id, body.version, body.text)
    else:
        made = svc.propose(
            session,
            user,
            draft_id,
            body.version,
            body.start or 0,
            body.end or 0,
            body.replacement or "",
        )
    if not made.created:
        response.status_code = 200
    ids = {s.id for s in made.suggestions}
    return [s for s in svc.listing(session, draft_id) if s["id"] in ids]


@router.post(
    "/drafts/{draft_id}/suggestions/accept",
    dependencies=[allow(*svc.DECIDERS)],
    responses=conflict("a suggestion is not open, or the draft cannot be edited in its state."),
)
def accept_many(
    draft_id: DraftId,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    body: Decision | None = None,
) -> dict[str, Any]:
    """Accept the listed open suggestions (or all of them; the body may be empty) as one new version."""
    return svc.accept(session, ctx, user, draft_id, body.ids if body else None)


@router.post(
    "/drafts/{draft_id}/suggestions/{suggestion_id}/accept",
    dependencies=[allow(*svc.DECIDERS)],
    responses=conflict("the suggestion is not open, or the draft cannot be edited in its state."),
)
def accept(
    draft_id: DraftId,
    suggestion_id: SuggestionId,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
) -> dict[str, Any]:
    """Accept one suggestion: the next version is saved with it ({version, accepted, skipped})."""
    return svc.accept(session, ctx, user, draft_id, [suggestion_id])


@router.post(
    "/drafts/{draft_id}/suggestions/{suggestion_id}/reject",
    dependencies=[allow(*svc.DECIDERS)],
    responses=conflict("the suggestion is not open."),
)
def reject(
    draft_id: DraftId, suggestion_id: SuggestionId, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Reject one suggestion; the text stays as it is."""
    svc.reject(session, user, draft_id, suggestion_id)
    return {"id": suggestion_id, "status": "rejected"}
