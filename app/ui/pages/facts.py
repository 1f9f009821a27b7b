"""Pages for facts and merges: Edit facts, the new facts' effect on a draft, and resolving a save conflict.

Same service functions as the API (app.workflow.incidents.update_facts, app.workflow.refresh,
app.workflow.drafts.save_version / resolve_overlaps). Nothing typed is lost: every refusal shows
the form again with the submitted values, and a stale save carries the author's text along.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.policy import page
from app.core.errors import AppError, Conflict, InvalidInput
from app.core.timestamps import utc_text
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.models import User
from app.ui import auth_bridge as auth
from app.ui import facts_form as ff
from app.ui.pages.common import (
    ALL_ROLES,
    EDITOR_ROLES,
    FACTS_ROLES,
    db_session,
    draft_view,
    email_of,
    form_int,
    redirect,
    render,
    version_view,
    workflow_ctx,
)
from app.workflow import drafts as wf_drafts
from app.workflow import incidents as wf_incidents
from app.workflow import refresh
from app.workflow.redline import redline
from app.workflow.textmerge import CHOICES

router = APIRouter(include_in_schema=False)


def _base(value: Any) -> int:
    return form_int(value, "base_version")


def form_page_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """What both facts forms (new incident, Edit facts) need from app.ui.facts_form."""
    return {
        "values": ff.display_values(values),
        "errors": errors,
        "fieldsets": ff.FIELDSETS,
        "title_field": ff.TITLE,
        "labels": ff.LABELS_BY_NAME,
        "dom_ids": {p: f.dom_id for p, f in ff.FIELDS.items()} | {"title": ff.TITLE.dom_id},
    }


# ---- Edit facts -------------------------------------------------------------------------------------


def _facts_page(
    request: Request,
    user: User,
    incident: Any,
    base_version: int,
    values: dict[str, Any],
    errors: dict[str, str],
    conflict: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    ctx = {
        "title": f"Edit facts: {incident.title}",
        "incident": {"id": incident.id, "title": incident.title},
        "base_version": base_version,
        "conflict": conflict,
        **form_page_context(values, errors),
    }
    return render(request, "facts_edit.html", ctx, status=status, user=user)


@router.get(
    "/incidents/{incident_id}/facts",
    response_class=HTMLResponse,
    dependencies=[page(*FACTS_ROLES)],
)
def edit_facts(request: Request, incident_id: int) -> Response:
    """Every fact of the incident in one form, pre-filled from the current facts version."""
    with db_session(request) as session:
        user = auth.current_user(request)
        incident = repo.get_incident(session, incident_id)
        values = ff.form_values(repo.current_facts(session, incident_id))
        return _facts_page(request, user, incident, incident.facts_version, values, {})


def _facts_conflict(
    session: Session, incident_id: int, base: int, mine: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form values after a stale facts save (their fields merged in) and what to tell the user."""
    current = repo.facts_version(session, incident_id)
    theirs = ff.form_values(IncidentFacts.model_validate(current.facts))
    old = ff.form_values(
        IncidentFacts.model_validate(repo.facts_version(session, incident_id, base).facts)
    )
    merged, taken, both = ff.merge_values(old, theirs, ff.display_values(mine))
    return merged, {
        "your_version": base,
        "current_version": current.number,
        "created_by": email_of(session, current.created_by, {}),
        "created_at": utc_text(current.created_at) + " UTC",
        "taken": taken,
        "both": both,
    }


@router.post(
    "/incidents/{incident_id}/facts",
    response_class=HTMLResponse,
    dependencies=[page(*FACTS_ROLES)],
)
async def save_facts(request: Request, incident_id: int) -> Response:
    """Save the form as the next facts version; errors beside fields, a stale version merged field by field."""
    values = ff.form_from_request(await request.form())
    values.pop("csrf_token", None)
    base = _base(values.pop("base_version", None))
    with db_session(request) as session:
        user = auth.current_user(request)
        incident = repo.get_incident(session, incident_id)
        facts, errors = ff.facts_from_form(values, require_title=False)
        if facts is None:
            return _facts_page(request, user, incident, base, values, errors, status=422)
        try:
            fv = wf_incidents.update_facts(
                session, workflow_ctx(request), user, incident_id, facts, base
            )
        except Conflict:
            session.rollback()
            merged, conflict = _facts_conflict(session, incident_id, base, values)
            return _facts_page(
                request,
                user,
                incident,
                conflict["current_version"],
                merged,
                {},
                conflict,
                status=409,
            )
        except AppError as exc:
            session.rollback()
            return _facts_page(
                request, user, incident, base, values, {"_form": exc.message}, status=exc.status
            )
        pending = sum(1 for d in repo.list_drafts(session, incident_id))
        msg = f"Facts saved as version {fv.number}." + (
            f" Open each draft to review what changed in its letter ({pending})." if pending else ""
        )
        return redirect(f"/?flash={quote(msg)}#inc-{incident_id}")


# ---- New facts into a draft ---------------------------------------------------------------------------


def _overlap_rows(overlaps: list[Any], choices: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "index": o.index,
            "base": o.base,
            "ours": o.ours,
            "theirs": o.theirs,
            "ours_diff": redline(o.base, o.ours),
            "theirs_diff": redline(o.base, o.theirs),
            "choice": choices.get(o.index, ""),
        }
        for o in overlaps
    ]


def _update_context(
    request: Request,
    session: Session,
    user: User,
    draft_id: int,
    choices: dict[int, str] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    up = refresh.preview(session, workflow_ctx(request), draft_id)
    draft = repo.get_draft(session, draft_id)
    changes = [
        {
            "label": ff.LABELS_BY_NAME.get(path, path),
            "old": old or "(empty)",
            "new": new or "(empty)",
        }
        for path, old, new in up.fact_changes
    ]
    return {
        "title": f"New facts for {draft.variant}",
        "draft": draft_view(session, draft, {}),
        "update": up,
        "fact_changes": changes,
        "diff": redline(up.current_text, up.proposed) if up.proposed is not None else [],
        "letter_diff": redline(up.rendered_old, up.rendered_new),
        "overlaps": _overlap_rows(up.merge.overlaps, choices or {}),
        "can_apply": user.role in EDITOR_ROLES,
        "error": error,
    }


@router.get(
    "/drafts/{draft_id}/facts-update",
    response_class=HTMLResponse,
    dependencies=[page(*ALL_ROLES)],
)
def facts_update(request: Request, draft_id: int) -> Response:
    """What the current facts change in this draft's letter, as a redline the author can apply."""
    with db_session(request) as session:
        user = auth.current_user(request)
        return render(
            request,
            "facts_update.html",
            _update_context(request, session, user, draft_id),
            user=user,
        )


def _choices(form: dict[str, Any]) -> dict[int, str]:
    out = {}
    for key, value in form.items():
        if key.startswith("choice.") and key[7:].isdigit() and value in CHOICES:
            out[int(key[7:])] = value
    return out


@router.post(
    "/drafts/{draft_id}/facts-update",
    response_class=HTMLResponse,
    dependencies=[page(*EDITOR_ROLES)],
)
async def apply_facts_update(request: Request, draft_id: int) -> Response:
    """Apply the new facts to the text as the next version (choices for the sentences both changed)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    choices = _choices(form)
    with db_session(request) as session:
        user = auth.current_user(request)
        try:
            d = refresh.apply(
                session,
                workflow_ctx(request),
                user,
                draft_id,
                _base(form.get("base_version")),
                form_int(form.get("facts_version"), "facts_version"),
                choices,
            )
        except AppError as exc:
            session.rollback()
            ctx = _update_context(request, session, user, draft_id, choices, exc.message)
            return render(request, "facts_update.html", ctx, status=exc.status, user=user)
        return redirect(
            f"/drafts/{draft_id}?flash={quote(f'New facts applied: saved as v{d.version.number}.')}"
        )


# ---- A stale save whose edits overlap ------------------------------------------------------------------


def conflict_page(
    request: Request,
    session: Session,
    user: User,
    draft_id: int,
    base_version: int,
    mine: str,
    choices: dict[int, str] | None = None,
    error: str | None = None,
    status: int = 409,
) -> Response:
    """Both sides of each overlapping edit, a choice for each, and the author's text carried along."""
    from app.workflow.textmerge import merge

    draft = repo.get_draft(session, draft_id)
    emails: dict[int, str] = {}
    latest = repo.get_version(session, draft_id, draft.current_version)
    base_text = (
        repo.get_version(session, draft_id, base_version).text
        if 1 <= base_version < draft.current_version
        else latest.text
    )
    merged = merge(base_text, mine, latest.text)
    return render(
        request,
        "conflict.html",
        {
            "title": "Conflicting save",
            "draft": draft_view(session, draft, emails),
            "base_version": base_version,
            "latest": version_view(session, latest, emails),
            "mine": mine,
            "overlaps": _overlap_rows(merged.overlaps, choices or {}),
            "diff": redline(latest.text, mine),
            "changed": latest.text != mine,
            "mode": "inline",
            "error": error,
            "choices": CHOICES,
        },
        status=status,
        user=user,
    )


@router.post(
    "/drafts/{draft_id}/resolve",
    response_class=HTMLResponse,
    dependencies=[page(*EDITOR_ROLES)],
)
async def resolve(request: Request, draft_id: int) -> Response:
    """Save the author's text with a side chosen for each overlapping edit (recorded in the audit log)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    mine = form.get("text", "").replace("\r\n", "\n")
    base, theirs = (
        _base(form.get("base_version")),
        form_int(form.get("theirs_version"), "theirs_version"),
    )
    choices = _choices(form)
    with db_session(request) as session:
        user = auth.current_user(request)
        try:
            d = wf_drafts.resolve_overlaps(
                session, workflow_ctx(request), user, draft_id, mine, base, theirs, choices
            )
        except InvalidInput as exc:
            session.rollback()
            return conflict_page(
                request, session, user, draft_id, base, mine, choices, exc.message, status=422
            )
        except Conflict:  # more overlapping edits were saved meanwhile: show the new state
            session.rollback()
            return conflict_page(request, session, user, draft_id, base, mine, choices)
        return redirect(
            f"/drafts/{draft_id}?flash={quote(f'Saved as v{d.version.number} with your choices.')}"
        )
