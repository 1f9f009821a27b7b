"""Merging into drafts: a stale save's overlaps resolved by choice, and new facts applied to a draft."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.deps import CurrentUser, SessionDep, WorkflowDep
from app.api.merge_schemas import (
    DiffSegment,
    FactChange,
    FactsApplyCreate,
    FactsUpdatePublic,
    Overlap,
    ResolveCreate,
)
from app.api.openapi import conflict
from app.api.preconditions import IfMatch, base_version, set_etag
from app.api.schemas import DraftPublic
from app.auth.policy import allow, allow_any_user
from app.workflow import drafts as svc
from app.workflow import refresh
from app.workflow.redline import redline

router = APIRouter(tags=["drafts"])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Draft id.")]
EDITORS = ("responder", "cmo", "security")  # as saving a version (app/api/routes/versions.py)


@router.post(
    "/drafts/{draft_id}/versions/resolve",
    response_model=DraftPublic,
    status_code=201,
    dependencies=[allow(*EDITORS)],
    responses=conflict("the draft moved on since the 409 you resolve; fetch the overlaps again."),
)
def resolve(
    draft_id: DraftId,
    body: ResolveCreate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    response: Response,
) -> DraftPublic:
    """Save a text whose save got 409 for overlapping edits, with a side chosen for each overlap (audited)."""
    d = svc.resolve_overlaps(
        session,
        ctx,
        user,
        draft_id,
        body.text,
        body.base_version,
        body.theirs_version,
        dict(body.choices),
    )
    set_etag(response, d.version.number)
    return DraftPublic.of(d)


@router.get(
    "/drafts/{draft_id}/facts-update",
    response_model=FactsUpdatePublic,
    dependencies=[allow_any_user()],
)
def facts_update(
    draft_id: DraftId, session: SessionDep, ctx: WorkflowDep, response: Response
) -> FactsUpdatePublic:
    """What the incident's current facts change in the draft's current version: a redline to apply, or overlaps."""
    up = refresh.preview(session, ctx, draft_id)
    set_etag(response, up.version)
    diff = redline(up.current_text, up.proposed) if up.proposed is not None else []
    return FactsUpdatePublic(
        draft_id=draft_id,
        version=up.version,
        from_facts_version=up.from_facts,
        to_facts_version=up.to_facts,
        pending=up.pending,
        letter_changes=up.letter_changes,
        fact_changes=[FactChange(path=p, label=p, old=a, new=b) for p, a, b in up.fact_changes],
        proposed_text=up.proposed,
        diff=[DiffSegment(op=op, text=t) for op, t in diff],  # type: ignore[arg-type]
        overlaps=[
            Overlap(index=o.index, base=o.base, yours=o.ours, theirs=o.theirs)
            for o in up.merge.overlaps
        ],
    )


@router.post(
    "/drafts/{draft_id}/facts-update",
    response_model=DraftPublic,
    status_code=201,
    dependencies=[allow(*EDITORS)],
    responses=conflict("the draft or the facts moved on since the preview."),
)
def apply_facts_update(
    draft_id: DraftId,
    body: FactsApplyCreate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> DraftPublic:
    """Apply the current facts to the draft as the next version (409 if the draft or the facts moved since)."""
    d = refresh.apply(
        session,
        ctx,
        user,
        draft_id,
        base_version(if_match, body.base_version),
        body.facts_version,
        dict(body.choices),
    )
    set_etag(response, d.version.number)
    return DraftPublic.of(d)
