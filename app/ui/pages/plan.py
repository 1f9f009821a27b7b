"""The incident's notification plan page: each notice sorted by deadline, overdue ones flagged, a form
per notice to record what was done (status, when, how, reference, proof file, or why not required),
the calendar feed link and the evidence bundle download. Same service functions as the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from app.auth.policy import page
from app.auth.roles import EVIDENCE_ROLES, PLAN_EDITORS
from app.core.errors import AppError, InvalidInput
from app.export.evidence import build_bundle
from app.store import repositories as repo
from app.store.models import User
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    db_session,
    redirect,
    render,
    workflow_ctx,
)
from app.workflow import feeds
from app.workflow import plan_updates as svc
from app.workflow.plan import STATUSES
from app.workflow.plan_view import ensure_plan, plan_rows, plan_summary

router = APIRouter(include_in_schema=False)

PLAN = "/incidents/{incident_id}/plan"
ITEM = "/incidents/{incident_id}/plan/items/{item_id}"
FILE = "/incidents/{incident_id}/plan/items/{item_id}/attachments/{attachment_id}"
FEED = "/incidents/{incident_id}/plan/feed"
EVIDENCE = "/incidents/{incident_id}/evidence"


def _filters(request: Request) -> dict[str, str]:
    status = request.query_params.get("status") or ""
    jurisdiction = (request.query_params.get("jurisdiction") or "").strip().upper()[:40]
    return {"status": status if status in STATUSES else "", "jurisdiction": jurisdiction}


def _page(
    request: Request,
    incident_id: int,
    user: User,
    *,
    errors: dict[int, str] | None = None,
    values: dict[int, dict[str, Any]] | None = None,
    feed_url: str | None = None,
    status: int = 200,
) -> Response:
    ctx = workflow_ctx(request)
    with db_session(request) as session:
        incident = repo.get_incident(session, incident_id)
        ensure_plan(session, ctx, user, incident)
        now = ctx.now()
        chosen = _filters(request)
        every = plan_rows(session, incident_id, now)
        rows = plan_rows(
            session,
            incident_id,
            now,
            status=chosen["status"] or None,
            jurisdiction=chosen["jurisdiction"] or None,
        )
        drafts = [
            {
                "id": d.id,
                "variant": d.variant,
                "jurisdictions": list(d.jurisdictions),
                "version": d.current_version,
            }
            for d in repo.list_drafts(session, incident_id)
        ]
    return render(
        request,
        "plan.html",
        {
            "title": f"Plan — {incident.title}",
            "incident": {"id": incident.id, "title": incident.title},
            "rows": rows,
            "summary": plan_summary(every),
            "jurisdictions": sorted({r["jurisdiction"] for r in every}),
            "statuses": STATUSES,
            "methods": svc.METHODS,
            "filters": chosen,
            "now": now.isoformat(timespec="minutes"),
            "can_edit": user.role in PLAN_EDITORS,
            "can_export": user.role in EVIDENCE_ROLES,
            "drafts": drafts,
            "errors": errors or {},
            "values": values or {},
            "feed_url": feed_url,
        },
        status=status,
        user=user,
    )


@router.get(PLAN, response_class=HTMLResponse, dependencies=[page(*ALL_ROLES)])
def plan_page(request: Request, incident_id: int) -> Response:
    """The plan, sorted by deadline, with filters by status and law."""
    return _page(request, incident_id, auth.current_user(request))


def _sent_at(raw: str) -> datetime | None:
    """A browser datetime-local value, read as UTC (the page says so); '' is no value."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "sent_at: give the date and time it was sent, e.g. 2026-10-02T14:30",
            details=[{"field": "sent_at", "message": "a date and time"}],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _change(form: dict[str, Any]) -> svc.ItemChange:
    def text(name: str) -> str | None:
        value = str(form.get(name) or "").strip()
        return value or None

    change = svc.ItemChange(status=str(form.get("status") or ""))
    for name in ("method", "reference", "reason", "note", "sent_by", "proof_merge"):
        if name in form:
            setattr(change, name, text(name))
    if "sent_at" in form:
        change.sent_at = _sent_at(str(form.get("sent_at") or ""))
    proof = text("proof")
    if proof:
        draft_id, _, number = proof.partition(":")
        if not (draft_id.isdigit() and number.isdigit()):
            raise InvalidInput("proof: choose a letter version from the list")
        change.proof_draft_id, change.proof_version = int(draft_id), int(number)
    return change


@router.post(ITEM, dependencies=[page(*PLAN_EDITORS)])
async def update_item(request: Request, incident_id: int, item_id: int) -> Response:
    """Save one notice's form (and its proof file); errors come back beside the notice, values kept."""
    raw = await request.form()
    form = {k: raw.get(k) for k in raw if k not in ("csrf_token", "file")}
    upload = raw.get("file")
    user = auth.current_user(request)
    back = f"/incidents/{incident_id}/plan"
    try:
        base = int(str(form.get("version") or ""))
        change = _change(form)
        data = (
            await upload.read(svc.MAX_ATTACHMENT_BYTES + 1)
            if isinstance(upload, UploadFile)
            else b""
        )
        with db_session(
            request
        ) as session:  # the file and the change are saved together or not at all
            if data:
                svc.add_attachment(
                    session,
                    user,
                    incident_id,
                    item_id,
                    upload.filename or "attachment",  # type: ignore[union-attr]
                    upload.content_type or "application/octet-stream",  # type: ignore[union-attr]
                    data,
                    commit=False,
                )
                base += 1
            item = svc.update_item(session, user, incident_id, item_id, change, base, commit=False)
            session.commit()
    except ValueError:
        return _page(
            request,
            incident_id,
            user,
            errors={item_id: "Reload the page: the form lost its version."},
            status=422,
        )
    except AppError as exc:
        return _page(
            request,
            incident_id,
            user,
            errors={item_id: exc.message},
            values={item_id: {k: str(v or "") for k, v in form.items()}},
            status=exc.status,
        )
    note = f"Saved: {item.recipient} is {item.status.replace('_', ' ')}."
    return redirect(f"{back}?flash={quote(note)}#item-{item_id}")


@router.get(FILE, dependencies=[page(*ALL_ROLES)])
def download(request: Request, incident_id: int, item_id: int, attachment_id: int) -> Response:
    """A proof file, as a download."""
    with db_session(request) as session:
        att = svc.get_attachment(session, incident_id, item_id, attachment_id)
        return Response(
            att.data,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{att.filename}"'},
        )


@router.post(FEED, response_class=HTMLResponse, dependencies=[page(*ALL_ROLES)])
def calendar_feed(request: Request, incident_id: int) -> Response:
    """Make a calendar feed link for this incident (shown once on the page)."""
    user = auth.current_user(request)
    with db_session(request) as session:
        _, token = feeds.create_token(session, user, incident_id)
    base = request.app.state.settings.PUBLIC_URL.rstrip("/")
    url = f"{base}/api/v1/calendar/incidents/{incident_id}.ics?{urlencode({'token': token})}"
    return _page(request, incident_id, user, feed_url=url)


@router.get(EVIDENCE, dependencies=[page(*EVIDENCE_ROLES)])
def evidence(request: Request, incident_id: int) -> Response:
    """The evidence bundle (zip) of the incident (audited)."""
    user = auth.current_user(request)
    ctx = workflow_ctx(request)
    with db_session(request) as session:
        incident = repo.get_incident(session, incident_id)
        ensure_plan(session, ctx, user, incident)
        data = build_bundle(session, ctx, user, incident_id)
        session.commit()
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="evidence-incident{incident_id}.zip"'
        },
    )
