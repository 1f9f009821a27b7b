"""Calendar feeds of the plan (.ics) and the revocable feed tokens that open them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import CurrentUser, SessionDep, SettingsDep, WorkflowDep, WriteSessionDep
from app.auth.policy import allow_any_user, public
from app.export.ics import plan_calendar
from app.store import repositories as repo
from app.workflow import feeds
from app.workflow.plan_view import ensure_plan, plan_rows

router = APIRouter(tags=["calendar"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Incident id.")]
TokenQuery = Annotated[
    str | None, Query(max_length=200, description="The feed token (from POST /calendar/tokens).")
]
ICS = "text/calendar; charset=utf-8"


class FeedTokenCreate(BaseModel):
    """Which feed the token opens: one incident's, or (null) every incident's."""

    model_config = ConfigDict(extra="forbid")
    incident_id: int | None = Field(None, ge=1, le=2**31 - 1)


class FeedTokenPublic(BaseModel):
    """A feed token (the secret only in the creation response)."""

    id: int
    incident_id: int | None
    prefix: str
    created_at: str
    revoked_at: str | None
    url: str | None = Field(None, description="The feed URL with its token (shown once).")


def _public(row, url: str | None = None) -> FeedTokenPublic:  # type: ignore[no-untyped-def]
    return FeedTokenPublic(
        id=row.id,
        incident_id=row.incident_id,
        prefix=row.prefix,
        created_at=row.created_at.isoformat(),
        revoked_at=row.revoked_at.isoformat() if row.revoked_at else None,
        url=url,
    )


def feed_url(base: str, incident_id: int | None, token: str) -> str:
    """Where a calendar app subscribes."""
    path = (
        f"/api/v1/calendar/incidents/{incident_id}.ics"
        if incident_id
        else "/api/v1/calendar/me.ics"
    )
    return f"{base.rstrip('/')}{path}?token={token}"


@router.post(
    "/calendar/tokens",
    response_model=FeedTokenPublic,
    status_code=201,
    dependencies=[allow_any_user()],
    responses={404: {"description": "No incident with this `incident_id`."}},
)
def create_token(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    body: FeedTokenCreate | None = None,
) -> FeedTokenPublic:
    """A feed token for one incident's calendar (or every incident's); the URL is shown once."""
    body = body or FeedTokenCreate()  # an empty body: every incident's feed
    row, token = feeds.create_token(session, user, body.incident_id)
    return _public(row, feed_url(settings.PUBLIC_URL, body.incident_id, token))


@router.get(
    "/calendar/tokens", response_model=list[FeedTokenPublic], dependencies=[allow_any_user()]
)
def list_tokens(session: SessionDep, user: CurrentUser) -> list[FeedTokenPublic]:
    """Your feed tokens (never the secrets)."""
    return [_public(r) for r in feeds.list_tokens(session, user)]


@router.delete("/calendar/tokens/{token_id}", status_code=204, dependencies=[allow_any_user()])
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep, user: CurrentUser
) -> Response:
    """Revoke a feed token: its feed answers 401 from now on."""
    feeds.revoke_token(session, user, token_id)
    return Response(status_code=204)


def _ics(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type=ICS,
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/calendar/incidents/{incident_id}.ics",
    dependencies=[public()],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def incident_feed(
    incident_id: IncidentId,
    session: WriteSessionDep,
    ctx: WorkflowDep,
    settings: SettingsDep,
    token: TokenQuery = None,
) -> Response:
    """One incident's open notices as calendar events (the token in the URL is the credential)."""
    user = feeds.open_feed(session, token, incident_id)
    incident = repo.get_incident(session, incident_id)
    ensure_plan(session, ctx, user, incident)
    rows = plan_rows(session, incident_id, ctx.now())
    body = plan_calendar(
        f"Candor: {incident.title}",
        [({"id": incident.id, "title": incident.title}, rows)],
        settings.PUBLIC_URL,
        settings.reminder_hours(),
    )
    return _ics(body, f"incident-{incident_id}.ics")


@router.get(
    "/calendar/me.ics",
    dependencies=[public()],
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}},
        404: {"description": "The token's incident no longer exists."},
    },
)
def user_feed(
    session: WriteSessionDep, ctx: WorkflowDep, settings: SettingsDep, token: TokenQuery = None
) -> Response:
    """Every incident's open notices (all incidents are visible to every role) for the token's user."""
    user = feeds.open_feed(session, token, None)
    entries = []
    for incident in repo.list_incidents(session, limit=500):
        ensure_plan(session, ctx, user, incident)
        rows = plan_rows(session, incident.id, ctx.now())
        entries.append(({"id": incident.id, "title": incident.title}, rows))
    body = plan_calendar(
        f"Candor: notices for {user.email}", entries, settings.PUBLIC_URL, settings.reminder_hours()
    )
    return _ics(body, "candor-plan.ics")
