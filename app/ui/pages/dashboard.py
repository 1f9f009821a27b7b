"""The dashboard (incidents, drafts, deadlines) and the new-incident form."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.policy import page
from app.core.errors import AppError
from app.letters.context import TONES
from app.store import repositories as repo
from app.store.models import User
from app.ui import auth_bridge as auth
from app.ui import facts_form as ff
from app.ui.pages.common import (
    ALL_ROLES,
    CREATOR_ROLES,
    FACTS_FORM_ROLES,
    db_session,
    draft_view,
    redirect,
    render,
    templates,
    workflow_ctx,
)
from app.ui.pages.facts import form_page_context
from app.ui.views import obligation_label
from app.workflow import incidents as wf_incidents

log = logging.getLogger("candor")

router = APIRouter(include_in_schema=False)


def _deadlines(
    session: Session, request: Request, incident: Any, filters: dict[str, str]
) -> list[dict[str, Any]]:
    """The incident's tracked plan (app.workflow.plan_view), sorted by deadline, dated notices only,
    filtered by the dashboard's status and law filters; withdrawn notices are left out here."""
    from app.workflow.plan_view import ensure_plan, plan_rows

    ctx = workflow_ctx(request)
    try:
        ensure_plan(session, ctx, auth.current_user(request), incident)
        rows = plan_rows(
            session,
            incident.id,
            ctx.now(),
            status=filters["status"] or None,
            jurisdiction=filters["jurisdiction"] or None,
        )
    except Exception:  # one incident's bad facts must not break the dashboard
        session.rollback()
        log.exception("deadlines for incident %s", incident.id)
        return []
    out = []
    for r in rows:
        if not r["applicable"] or (r["due"] is None and r["due_at"] is None):
            continue
        out.append(
            {
                "id": r["id"],
                "jurisdiction": r["jurisdiction"],
                "audience": r["obligation"],
                "action": obligation_label(r["obligation"]),
                "recipient": r["recipient"],
                "due": r["due_at"][:16].replace("T", " ") + " UTC" if r["due_at"] else r["due"],
                "left": r["time_left"],
                "overdue": r["overdue"],
                "status": r["status"],
                "citation": r["citation"],
            }
        )
    return out


def _plan_filters(request: Request) -> dict[str, str]:
    status = request.query_params.get("status") or ""
    known = ("open", "in_progress", "done", "not_required")
    return {
        "status": status if status in known else "",
        "jurisdiction": (request.query_params.get("jurisdiction") or "").strip().upper()[:40],
    }


@router.get("/", response_class=HTMLResponse, dependencies=[page(*ALL_ROLES)])
def dashboard(request: Request) -> Response:
    """Every incident with its drafts, states, approvals and notification deadlines."""
    with db_session(request) as session:
        user = auth.current_user(request)
        emails: dict[int, str] = {}
        filters = _plan_filters(request)
        incidents = []
        for inc in repo.incidents_with_drafts(session):
            drafts = [draft_view(session, d, emails) for d in inc.drafts]
            incidents.append(
                {
                    "id": inc.id,
                    "title": inc.title,
                    "created_at": inc.created_at.date().isoformat(),
                    "drafts": drafts,
                    "deadlines": _deadlines(session, request, inc, filters),
                }
            )
        return render(
            request,
            "dashboard.html",
            {"title": "Incidents", "incidents": incidents, "tones": TONES, "filters": filters},
            user=user,
        )


def _new_incident_page(
    request: Request, user: User, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request,
        "incident_new.html",
        {"title": "New incident", "tones": TONES, **form_page_context(values, errors)},
        status=status,
        user=user,
    )


@router.get("/incidents/new", response_class=HTMLResponse, dependencies=[page(*CREATOR_ROLES)])
def new_incident(request: Request) -> Response:
    """The new-incident form."""
    return _new_incident_page(request, auth.current_user(request), ff.new_incident_defaults(), {})


@router.post(
    "/residences/preview",
    response_class=HTMLResponse,
    dependencies=[page(*FACTS_FORM_ROLES)],
)
async def residence_preview(request: Request) -> Response:
    """How the 'affected' lines will be read, before saving (htmx; nothing is saved): each code's name,
    both readings of a code such as CA (Canada, or the US postal code for California), a suggestion for unknown codes."""
    from app.domain.regions import resolve_residences

    form = await request.form()
    affected, problem = ff.residence_lines(str(form.get("affected") or ""))
    return templates.TemplateResponse(
        request,
        "_residence_preview.html",
        {"rows": resolve_residences(affected), "problem": problem},
    )


@router.post("/incidents/new", response_class=HTMLResponse, dependencies=[page(*CREATOR_ROLES)])
async def create_incident(request: Request) -> Response:
    """Validate the form; on errors show them beside their fields with every value kept."""
    values = ff.form_from_request(await request.form())
    values.pop("csrf_token", None)
    with db_session(request) as session:
        user = auth.current_user(request)
        facts, errors = ff.facts_from_form(values)
        tone = values.get("tone") if values.get("tone") in TONES else "plain"
        if facts is None:
            return _new_incident_page(request, user, values, errors, status=422)
        try:
            created = wf_incidents.create_incident(
                session, workflow_ctx(request), user, facts, title=values.get("title"), tones=[tone]
            )
        except AppError as exc:
            session.rollback()
            return _new_incident_page(
                request, user, values, {"_form": exc.message}, status=exc.status
            )
        n = len(created.drafts)
        note = " ".join(
            [
                f"Incident created with {n} draft letter" + ("s" if n != 1 else "") + ".",
                *created.warnings,
            ]
        )
        return redirect(f"/?flash={quote(note)}#inc-{created.incident.id}")
