"""The compliance checklist and its sign-off (the printable letter is in downloads.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.policy import page
from app.checks.engine import run_checks
from app.core.errors import AppError
from app.core.timestamps import utc_text
from app.store import repositories as repo
from app.store.models import User
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    SIGNOFF_ROLES,
    db_session,
    draft_view,
    email_of,
    form_int,
    read_form,
    redirect,
    render,
    review_rows,
    version_view,
    workflow_ctx,
)
from app.ui.views import STATE_LABELS, checklist_sections
from app.workflow import drafts as wf_drafts
from app.workflow import reviews as wf_reviews

router = APIRouter(include_in_schema=False)


def _checklist_context(
    request: Request, session: Session, user: User, draft_id: int, error: str | None = None
) -> dict[str, Any]:
    d = wf_drafts.detail(session, draft_id)
    ctx = workflow_ctx(request)
    emails: dict[int, str] = {}
    facts = repo.current_facts(session, d.draft.incident_id)
    # Re-run the checks so the evidence reflects today's rulebook; the stored report is what was approved.
    report = run_checks(
        d.version.text,
        rulebook=ctx.rulebook,
        settings=ctx.settings,
        facts=facts,
        jurisdictions=tuple(d.draft.jurisdictions),
        tone=d.draft.tone,
        grammar=False,
        channel=d.draft.channel,  # an artifact is judged by its own channel's and language's rules
        language=d.draft.language,
    )
    sections = checklist_sections(
        report,
        d.version.text,
        ctx.rulebook,
        list(d.draft.jurisdictions),
        d.draft.tone,
        (d.draft.channel, d.draft.language),
    )
    waivers = [
        {
            "rule": w.rule,
            "finding_id": w.finding_id,
            "reason": w.reason,
            "by": email_of(session, w.created_by, emails),
        }
        for w in d.waivers
    ]
    signoff = None
    if d.sign_off is not None:
        signoff = {
            "email": email_of(session, d.sign_off.user_id, emails),
            "created_at": utc_text(d.sign_off.created_at),
            "version": d.version.number,
            "comment": d.sign_off.comment,
        }
    blockers = []
    if d.draft.state != "approved":
        blockers.append(
            f"v{d.version.number} is {STATE_LABELS.get(d.draft.state, d.draft.state)}; both the CMO and security must approve it first."
        )
    return {
        "title": "Compliance checklist",
        "draft": draft_view(session, d.draft, emails),
        "version": version_view(session, d.version, emails),
        "sections": sections,
        "waivers": waivers,
        "reviews": review_rows(session, d.draft, emails),
        "signoff": signoff,
        "can_sign": user.role == "compliance",
        "blockers": blockers,
        "signoff_error": error,
    }


@router.get(
    "/drafts/{draft_id}/checklist",
    response_class=HTMLResponse,
    dependencies=[page(*ALL_ROLES)],
)
def checklist(request: Request, draft_id: int) -> Response:
    """Per-jurisdiction compliance checklist with evidence, waivers, approvals and sign-off."""
    with db_session(request) as session:
        user = auth.current_user(request)
        return render(
            request,
            "checklist.html",
            _checklist_context(request, session, user, draft_id),
            user=user,
        )


@router.post(
    "/drafts/{draft_id}/signoff",
    response_class=HTMLResponse,
    dependencies=[page(*SIGNOFF_ROLES)],
)
async def signoff(request: Request, draft_id: int) -> Response:
    """Compliance signs off the checklist of the approved current version."""
    form = await read_form(request)
    with db_session(request) as session:
        user = auth.current_user(request)
        try:
            wf_reviews.sign_off(
                session,
                workflow_ctx(request),
                user,
                draft_id,
                form_int(form.get("version"), "version"),
                form.get("comment", "").strip(),
            )
        except AppError as exc:
            session.rollback()
            return render(
                request,
                "checklist.html",
                _checklist_context(request, session, user, draft_id, exc.message),
                status=exc.status,
                user=user,
            )
        return redirect(f"/drafts/{draft_id}/checklist?flash={quote('Checklist signed off.')}")
