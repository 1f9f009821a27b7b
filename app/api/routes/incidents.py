"""Incidents with versioned facts, their drafts, and the one-call create for responders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import CurrentUser, SessionDep, WorkflowDep
from app.api.openapi import conflict
from app.api.preconditions import IfMatch, base_version, set_etag
from app.api.schemas import (
    DraftCreate,
    DraftPublic,
    FactsUpdate,
    FactsVersionPublic,
    IncidentCreate,
    IncidentCreated,
    IncidentPublic,
)
from app.auth.policy import allow, allow_any_user
from app.auth.roles import FACTS_EDITORS
from app.domain.obligations import ObligationsReport, obligations_report
from app.store import repositories as repo
from app.workflow import drafts as drafts_svc
from app.workflow import incidents as svc

router = APIRouter(tags=["incidents"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Incident id.")]
EDITORS = ("responder", "cmo", "security")


def _incident(i: Any) -> IncidentPublic:
    return IncidentPublic.model_validate(i, from_attributes=True)


@router.post(
    "/incidents",
    response_model=IncidentCreated,
    status_code=201,
    dependencies=[allow("responder", "admin")],
)
def create_incident(
    body: IncidentCreate, session: SessionDep, ctx: WorkflowDep, user: CurrentUser
) -> IncidentCreated:
    """Create an incident from its facts and draft a letter for every variant the law needs × tone, with reports.

    Only variants with affected residents and an applicable law are drafted; add others with
    POST /incidents/{id}/drafts.
    """
    made = svc.create_incident(session, ctx, user, body.facts, title=body.title, tones=body.tones)
    return IncidentCreated(
        incident=_incident(made.incident),
        facts_version=made.facts.number,
        warnings=made.warnings,
        drafts=[DraftPublic.of(d) for d in made.drafts],
    )


@router.get("/incidents", response_model=list[IncidentPublic], dependencies=[allow_any_user()])
def list_incidents(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[IncidentPublic]:
    """Incidents, newest first."""
    return [_incident(i) for i in repo.list_incidents(session, limit=limit, offset=offset)]


@router.get(
    "/incidents/{incident_id}", response_model=IncidentPublic, dependencies=[allow_any_user()]
)
def get_incident(incident_id: IncidentId, session: SessionDep) -> IncidentPublic:
    """One incident."""
    return _incident(repo.get_incident(session, incident_id))


@router.get(
    "/incidents/{incident_id}/facts",
    response_model=FactsVersionPublic,
    dependencies=[allow_any_user()],
)
def get_facts(
    incident_id: IncidentId, session: SessionDep, response: Response
) -> FactsVersionPublic:
    """The current facts (ETag: the facts version to send back as base_version)."""
    fv = repo.facts_version(session, incident_id)
    set_etag(response, fv.number)
    return FactsVersionPublic.model_validate(fv, from_attributes=True)


@router.put(
    "/incidents/{incident_id}/facts",
    response_model=FactsVersionPublic,
    dependencies=[allow(*FACTS_EDITORS)],
    responses=conflict(
        "the facts version you edited is no longer current (details name the current one)."
    ),
)
def update_facts(
    incident_id: IncidentId,
    body: FactsUpdate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> FactsVersionPublic:
    """Save new facts as the next facts version (name the version you edited in If-Match or base_version);
    409 with the current version if yours is stale. ETag: the new facts version."""
    fv = svc.update_facts(
        session, ctx, user, incident_id, body.facts, base_version(if_match, body.base_version)
    )
    set_etag(response, fv.number)
    return FactsVersionPublic.model_validate(fv, from_attributes=True)


@router.get(
    "/incidents/{incident_id}/facts/versions",
    response_model=list[FactsVersionPublic],
    dependencies=[allow_any_user()],
)
def list_facts_versions(incident_id: IncidentId, session: SessionDep) -> list[FactsVersionPublic]:
    """Every facts version, oldest first."""
    return [
        FactsVersionPublic.model_validate(f, from_attributes=True)
        for f in repo.facts_versions(session, incident_id)
    ]


@router.get(
    "/incidents/{incident_id}/drafts",
    response_model=list[DraftPublic],
    dependencies=[allow_any_user()],
)
def list_drafts(incident_id: IncidentId, session: SessionDep) -> list[DraftPublic]:
    """The incident's drafts, each with its current version and report."""
    return [
        DraftPublic.of(drafts_svc.detail(session, d.id))
        for d in repo.list_drafts(session, incident_id)
    ]


@router.post(
    "/incidents/{incident_id}/drafts",
    response_model=DraftPublic,
    status_code=201,
    dependencies=[allow(*EDITORS)],
    responses=conflict("a draft of this variant, tone, channel and language exists already."),
)
def add_draft(
    incident_id: IncidentId,
    body: DraftCreate,
    session: SessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
) -> DraftPublic:
    """Draft one more variant × tone, as a letter or another artifact (`channel`, `language`), from
    the current facts; the text is checked with the channel's and language's rules.

    A regulator notice is one per regulator obligation: `jurisdiction` is the one law that owes it
    (422 naming the laws that do otherwise). Its scope (the residences it is mailed to) is fixed now: an existing variant's in another tone,
    else the residences its laws reach. `warnings` says why no such letter is required, when so.
    """
    return DraftPublic.of(
        svc.add_draft(
            session,
            ctx,
            user,
            incident_id,
            body.jurisdiction,
            body.tone,
            body.channel,
            body.language,
        )
    )


@router.get(
    "/incidents/{incident_id}/obligations",
    response_model=ObligationsReport,
    dependencies=[allow_any_user()],
)
def obligations(
    incident_id: IncidentId, session: SessionDep, ctx: WorkflowDep
) -> ObligationsReport:
    """Notification obligations and deadlines for the current facts (from app.domain.obligations)."""
    return obligations_report(repo.current_facts(session, incident_id), ctx.rulebook, ctx.now())
