"""The evidence bundle of an incident as a zip download (docs/obligations.md lists its files)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import CurrentUser, WorkflowDep, WriteSessionDep
from app.auth.policy import allow
from app.auth.roles import EVIDENCE_ROLES
from app.export.evidence import build_bundle
from app.store import repositories as repo
from app.workflow.plan_view import ensure_plan

router = APIRouter(tags=["evidence"])


@router.get(
    "/incidents/{incident_id}/evidence",
    dependencies=[allow(*EVIDENCE_ROLES)],
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def evidence(
    incident_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="Incident id.")],
    session: WriteSessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    include_recipients: Annotated[
        bool,
        Query(
            description="Also include the mail-merge manifests and reject lists (recipient ids)."
        ),
    ] = False,
) -> Response:
    """Facts versions, approved letters (PDF) with hashes, approvals, waivers, checklists, the plan
    with proof, the audit extract with the chain's verification, rule sources and a signed manifest
    (check it with `candor evidence verify FILE.zip`). Audited as `evidence.exported`."""
    incident = repo.get_incident(session, incident_id)
    ensure_plan(session, ctx, user, incident)
    data = build_bundle(session, ctx, user, incident_id, include_recipients=include_recipients)
    session.commit()
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="evidence-incident{incident_id}.zip"',
            "Cache-Control": "no-store",
        },
    )
