"""The tracked notification plan of an incident: list, update an item (optimistic locking), proof files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Header, Path, Query, Response, UploadFile

from app.api.deps import CurrentUser, SessionDep, WorkflowDep, WriteSessionDep
from app.api.plan_schemas import (
    AttachmentPublic,
    PlanItemPublic,
    PlanItemUpdate,
    PlanPublic,
    Status,
)
from app.api.preconditions import base_version, set_etag
from app.auth.policy import allow, allow_any_user
from app.auth.roles import PLAN_EDITORS
from app.store import repositories as repo
from app.workflow import plan_updates as svc
from app.workflow.plan import attachments
from app.workflow.plan_view import attachment_row, ensure_plan, item_row, plan_rows, plan_summary

router = APIRouter(tags=["plan"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Incident id.")]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Plan item id.")]
AttachmentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Attachment id.")]


def _item(session: Any, ctx: Any, item: Any) -> PlanItemPublic:
    files = attachments(session, [item.id])[item.id]
    return PlanItemPublic.model_validate(item_row(item, ctx.now(), files))


@router.get(
    "/incidents/{incident_id}/plan", response_model=PlanPublic, dependencies=[allow_any_user()]
)
def get_plan(
    incident_id: IncidentId,
    session: WriteSessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    status: Annotated[Status | None, Query(description="Only items with this status.")] = None,
    jurisdiction: Annotated[
        str | None, Query(max_length=40, description="Only items under this law, e.g. US-TX.")
    ] = None,
) -> PlanPublic:
    """Every notice the incident owes, sorted by deadline, with status, time left, proof and files.

    The plan is stored: fact changes add items, mark items that no longer apply (never deleting
    them) and keep a moved deadline's old value in `previous_due`.
    """
    incident = repo.get_incident(session, incident_id)
    ensure_plan(session, ctx, user, incident)
    now = ctx.now()
    every = plan_rows(session, incident_id, now)
    rows = plan_rows(session, incident_id, now, status=status, jurisdiction=jurisdiction)
    return PlanPublic(
        incident_id=incident_id,
        facts_version=incident.facts_version,
        now=now.isoformat(),
        summary=plan_summary(every),
        items=[PlanItemPublic.model_validate(r) for r in rows],
    )


@router.get(
    "/incidents/{incident_id}/plan/items/{item_id}",
    response_model=PlanItemPublic,
    dependencies=[allow_any_user()],
)
def get_item(
    incident_id: IncidentId,
    item_id: ItemId,
    session: SessionDep,
    ctx: WorkflowDep,
    response: Response,
) -> PlanItemPublic:
    """One item (ETag: its version, to send back in If-Match)."""
    item = svc.get_item(session, incident_id, item_id)
    set_etag(response, item.version)
    return _item(session, ctx, item)


@router.patch(
    "/incidents/{incident_id}/plan/items/{item_id}",
    response_model=PlanItemPublic,
    dependencies=[allow(*PLAN_EDITORS)],
)
def update_item(
    incident_id: IncidentId,
    item_id: ItemId,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
    body: PlanItemUpdate | None = None,
) -> PlanItemPublic:
    """Record progress: status, when and how it was sent, who, the confirmation number, why not
    required, a letter version or merge job as proof. 409 with the current version if yours is stale."""
    body = body or PlanItemUpdate()  # an empty body changes nothing
    given = body.model_dump(exclude_unset=True)
    given.pop("base_version", None)
    change = svc.ItemChange(**given)
    item = svc.update_item(
        session, user, incident_id, item_id, change, base_version(if_match, body.base_version)
    )
    set_etag(response, item.version)
    return _item(session, ctx, item)


@router.post(
    "/incidents/{incident_id}/plan/items/{item_id}/attachments",
    response_model=AttachmentPublic,
    status_code=201,
    dependencies=[allow(*PLAN_EDITORS)],
)
async def add_attachment(
    incident_id: IncidentId,
    item_id: ItemId,
    file: Annotated[UploadFile, File(description="Proof: a confirmation page, receipt, PDF.")],
    session: SessionDep,
    user: CurrentUser,
) -> AttachmentPublic:
    """Attach a proof file to the item (its SHA-256 is recorded and audited; 10 MB at most)."""
    data = await file.read(svc.MAX_ATTACHMENT_BYTES + 1)
    att = svc.add_attachment(
        session,
        user,
        incident_id,
        item_id,
        file.filename or "attachment",
        file.content_type or "application/octet-stream",
        data,
    )
    return AttachmentPublic.model_validate(attachment_row(att))


@router.get(
    "/incidents/{incident_id}/plan/items/{item_id}/attachments/{attachment_id}",
    dependencies=[allow_any_user()],
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_attachment(
    incident_id: IncidentId, item_id: ItemId, attachment_id: AttachmentId, session: SessionDep
) -> Response:
    """The proof file as it was uploaded (always as a download)."""
    att = svc.get_attachment(session, incident_id, item_id, attachment_id)
    return Response(
        att.data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{att.filename}"',
            "X-Content-SHA256": att.sha256,
        },
    )
