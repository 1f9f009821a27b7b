"""Drafts, their immutable versions (save with If-Match / base_version; 409 when stale) and waivers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.deps import CurrentUser, SessionDep, WorkflowDep
from app.api.openapi import conflict
from app.api.preconditions import IfMatch, base_version, set_etag
from app.api.schemas import (
    DraftPublic,
    VersionCreate,
    VersionSummary,
    WaiverCreate,
    WaiverPublic,
)
from app.auth.policy import allow, allow_any_user
from app.store import repositories as repo
from app.workflow import drafts as svc

router = APIRouter(tags=["drafts"])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Draft id.")]
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="Version number.")]
EDITORS = ("responder", "cmo", "security")
REVIEWERS = ("cmo", "security", "compliance")


def _etag(response: Response, number: int) -> None:
    set_etag(response, number)


def _created(response: Response, draft_id: int, number: int) -> None:
    """A new version: its ETag and where to read it."""
    set_etag(response, number)
    response.headers["Location"] = f"/api/v1/drafts/{draft_id}/versions/{number}"


def _base_version(body: VersionCreate, if_match: str | None) -> int:
    return base_version(if_match, body.base_version)


@router.get("/drafts/{draft_id}", response_model=DraftPublic, dependencies=[allow_any_user()])
def get_draft(draft_id: DraftId, session: SessionDep, response: Response) -> DraftPublic:
    """The draft with its current version, report, reviews and waivers (ETag: the version number)."""
    d = svc.detail(session, draft_id)
    _etag(response, d.version.number)
    return DraftPublic.of(d)


@router.get(
    "/drafts/{draft_id}/versions",
    response_model=list[VersionSummary],
    dependencies=[allow_any_user()],
)
def list_versions(draft_id: DraftId, session: SessionDep) -> list[VersionSummary]:
    """Every version, oldest first (no text)."""
    return [
        VersionSummary(
            number=v.number,
            rulebook=v.rulebook_hash,
            facts_version=v.facts_version,
            created_by=v.created_by,
            created_at=v.created_at,
        )
        for v in repo.list_versions(session, draft_id)
    ]


@router.get(
    "/drafts/{draft_id}/versions/{number:int}",  # :int, so /versions/resolve is not a number
    response_model=DraftPublic,
    dependencies=[allow_any_user()],
)
def get_version(
    draft_id: DraftId, number: Number, session: SessionDep, response: Response
) -> DraftPublic:
    """The draft with this version (text, report, reviews, waivers) in `version`; ETag: its number."""
    d = svc.detail(session, draft_id, number)
    _etag(response, d.version.number)
    return DraftPublic.of(d)


@router.post(
    "/drafts/{draft_id}/versions",
    response_model=DraftPublic,
    status_code=201,
    dependencies=[allow(*EDITORS)],
    responses=conflict(
        "the version you edited is stale and overlaps what was saved meanwhile, or the draft cannot be edited in its state."
    ),
)
def save_version(
    draft_id: DraftId,
    body: VersionCreate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> DraftPublic:
    """Save new text as the next version; 409 with the current version when the version you edited is stale."""
    d = svc.save_version(session, ctx, user, draft_id, body.text, _base_version(body, if_match))
    _created(response, draft_id, d.version.number)
    return DraftPublic.of(d)


@router.get(
    "/drafts/{draft_id}/versions/{number}/waivers",
    response_model=list[WaiverPublic],
    dependencies=[allow_any_user()],
)
def list_waivers(draft_id: DraftId, number: Number, session: SessionDep) -> list[WaiverPublic]:
    """Waivers on one version."""
    v = repo.get_version(session, draft_id, number)
    return [
        WaiverPublic.model_validate(w, from_attributes=True)
        for w in repo.waivers_for(session, v.id)
    ]


@router.post(
    "/drafts/{draft_id}/versions/{number}/waivers",
    response_model=WaiverPublic,
    status_code=201,
    dependencies=[allow(*REVIEWERS)],
    responses=conflict(
        "only the current version of an editable draft takes waivers, once per finding."
    ),
)
def waive(
    draft_id: DraftId,
    number: Number,
    body: WaiverCreate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
) -> WaiverPublic:
    """Waive one finding of the current version with a reason (recorded in the report and the audit log)."""
    w = svc.waive(session, ctx, user, draft_id, number, body.finding_id, body.reason)
    return WaiverPublic.model_validate(w, from_attributes=True)
