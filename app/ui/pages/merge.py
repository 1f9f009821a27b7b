"""Mail merge of one incident: approved letters, the upload form and the jobs panel."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.auth.policy import page
from app.core.errors import AppError, Conflict, NotFound
from app.export import jobs as merge_jobs
from app.export.merge import FORMATS as MERGE_FORMATS
from app.export.merge import MODES as MERGE_MODES
from app.export.plan import APPROVED_STATES
from app.letters.context import TONES
from app.store import repositories as repo
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    MERGE_ROLES,
    db_session,
    draft_view,
    redirect,
    render,
    workflow_ctx,
)
from app.ui.views import merge_job_view, merge_letters, merge_polling

router = APIRouter(include_in_schema=False)


# The jobs are app.export.jobs (the same functions the API's /exports/merges routes call); the page
# shows ids and counts only, never a recipient's name or address. Downloads go to the API's file
# routes, which carry the same role rule (MERGERS) and accept the session cookie.

MERGE_DEFAULTS = {
    "format": "pdf",
    "mode": "per-recipient",
    "tone": "",
    "page_size": "Letter",
    "channel": "print",
}
MERGE_OUTPUT_LINKS = 10  # per-recipient jobs: link this many letters; the manifest names them all
_MERGE_META = {"manifest.csv", "rejects.csv", "summary.json", "merge.json", "merge-state.sqlite"}


def _merge_outputs(
    out: Path, status: dict[str, Any], limit: int = MERGE_OUTPUT_LINKS
) -> tuple[list[str], int]:
    """Output files of a complete job to link (bound variant files, or the first letters), and how many more."""
    if not out.is_dir():
        return [], 0
    found: list[str] = []
    with os.scandir(out) as it:
        top = sorted(
            e.name
            for e in it
            if e.is_file() and e.name not in _MERGE_META and not e.name.startswith((".", "_"))
        )
    found.extend(top[:limit])
    more = max(0, len(top) - limit)
    letters = out / "letters"
    if status.get("mode") == "per-recipient" and letters.is_dir():
        produced = int(
            ((status.get("summary") or {}).get("produced_total")) or status.get("done") or 0
        )
        shown = 0
        for variant in sorted(letters.iterdir()):
            if not variant.is_dir() or len(found) >= limit:
                continue
            taken: list[str] = []
            with os.scandir(
                variant
            ) as it:  # stop early: a variant folder may hold many thousand letters
                for e in it:
                    if len(found) + len(taken) >= limit:
                        break
                    if e.is_file() and not e.name.startswith((".", "_")):
                        taken.append(f"letters/{variant.name}/{e.name}")
            found.extend(sorted(taken))
            shown += len(taken)
        more += max(0, produced - shown)
    return found, more


def _merge_jobs(request: Request, session: Session, incident_id: int) -> list[dict[str, Any]]:
    settings = request.app.state.settings
    export_dir = Path(settings.EXPORT_DIR)
    rows = []
    for status in merge_jobs.list_jobs(session, request.app.state.jobs, incident_id=incident_id):
        outputs, more = [], 0
        if status.get("status") == "complete":
            outputs, more = _merge_outputs(
                merge_jobs.job_dir(export_dir, status["id"]) / merge_jobs.OUT, status
            )
        row = merge_job_view(status, outputs, more)
        row["channel"] = status.get("channel") or "print"
        row["delivery"] = status.get("delivery") or {}  # e-mail: counts per delivery status
        rows.append(row)
    return rows


def _merge_context(
    request: Request,
    session: Session,
    incident_id: int,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    incident = repo.get_incident(session, incident_id)
    emails: dict[int, str] = {}
    drafts = []
    for d in repo.drafts_with_reviews(session, incident_id):
        view = draft_view(session, d, emails)
        view["residences"] = list(d.residences or [])
        drafts.append(view)
    letters = merge_letters(drafts, APPROVED_STATES)
    rows = _merge_jobs(request, session, incident_id)
    return {
        "title": f"Mail merge: {incident.title}",
        "incident": {"id": incident.id, "title": incident.title},
        **letters,
        "jobs": rows,
        "polling": merge_polling(rows),
        "error": error,
        "values": {**MERGE_DEFAULTS, **(values or {})},
        "formats": MERGE_FORMATS,
        "modes": MERGE_MODES,
        "tones": sorted({d["tone"] for d in letters["approved"]}),
        "channels": merge_jobs.CHANNELS,
        "email_ready": email_ready(request.app.state.settings),
    }


def email_ready(settings: Any) -> bool:
    """Whether the e-mail channel can be chosen: an SMTP server and a sender are configured."""
    return bool(settings.SMTP_URL and settings.SMTP_FROM)


@router.get(
    "/incidents/{incident_id}/merge",
    response_class=HTMLResponse,
    dependencies=[page(*MERGE_ROLES)],
)
def merge_page(request: Request, incident_id: int) -> Response:
    """Mail merge of one incident: which letters are approved, the upload form, the jobs panel."""
    with db_session(request) as session:
        user = auth.current_user(request)
        return render(
            request, "merge.html", _merge_context(request, session, incident_id), user=user
        )


@router.post(
    "/incidents/{incident_id}/merge",
    response_class=HTMLResponse,
    dependencies=[page(*MERGE_ROLES)],
)
async def merge_start(request: Request, incident_id: int) -> Response:
    """Start a merge job (app.export.jobs.start_merge, as the API); a refusal is shown beside the form."""
    form = await request.form()
    upload = form.get("recipients")
    values = {k: str(form.get(k) or default) for k, default in MERGE_DEFAULTS.items()}
    with db_session(request) as session:
        user = auth.current_user(request)
        repo.get_incident(session, incident_id)  # 404 for an unknown incident
        error, status = None, 422
        job_id = ""
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = "Choose the recipients CSV file to upload."
        elif values["page_size"] not in ("Letter", "A4"):
            error = "Page size must be Letter or A4."
        elif values["tone"] and values["tone"] not in TONES:
            error = "Unknown tone."
        elif values["channel"] not in merge_jobs.CHANNELS:
            error = "Channel must be print or e-mail."
        else:
            settings = request.app.state.settings
            try:
                job_id = merge_jobs.start_merge(
                    session,
                    Path(settings.EXPORT_DIR),
                    runner=request.app.state.jobs,
                    retention_days=settings.EXPORT_RETENTION_DAYS,
                    chunk_size=settings.MERGE_CHUNK_SIZE,
                    incident_id=incident_id,
                    recipients=upload.file,
                    filename=upload.filename,
                    fmt=values["format"],
                    mode=values["mode"],
                    user=user,
                    ctx=workflow_ctx(request),
                    tone=values["tone"] or None,
                    page_size=values["page_size"],
                    letterhead=settings.LETTERHEAD,
                    channel=values["channel"],
                )
            except AppError as exc:
                session.rollback()
                error, status = exc.message, exc.status
        if error is not None:
            return render(
                request,
                "merge.html",
                _merge_context(request, session, incident_id, error, values),
                status=status if 400 <= status < 500 else 422,
                user=user,
            )
    return redirect(
        f"/incidents/{incident_id}/merge?flash={quote(f'Merge started: job {job_id}.')}#job-{job_id}"
    )


@router.get(
    "/incidents/{incident_id}/merge/jobs",
    response_class=HTMLResponse,
    dependencies=[page(*MERGE_ROLES)],
)
def merge_jobs_panel(request: Request, incident_id: int) -> Response:
    """The jobs panel alone (htmx polls it every second while a job runs)."""
    with db_session(request) as session:
        user = auth.current_user(request)
        incident = repo.get_incident(session, incident_id)
        rows = _merge_jobs(request, session, incident_id)
    return render(
        request,
        "_merge_jobs.html",
        {
            "incident": {"id": incident.id, "title": incident.title},
            "jobs": rows,
            "polling": merge_polling(rows),
        },
        user=user,
    )


@router.post(
    "/incidents/{incident_id}/merge/jobs/{job_id}/resume",
    dependencies=[page(*MERGE_ROLES)],
)
def merge_resume(request: Request, incident_id: int, job_id: str) -> Response:
    """Resume an interrupted job of this incident (app.export.jobs.resume, as the API)."""
    settings = request.app.state.settings
    runner = request.app.state.jobs
    back = f"/incidents/{incident_id}/merge"
    try:
        with db_session(request) as session:
            status = merge_jobs.view(session, job_id, runner)
            if status.get("incident_id") != incident_id:
                raise FileNotFoundError(job_id)
            merge_jobs.resume(session, runner, job_id, user=auth.current_user(request))
    except (FileNotFoundError, ValueError):
        raise NotFound(
            f"Incident {incident_id} has no merge job {job_id} (finished jobs are deleted after "
            f"{settings.EXPORT_RETENTION_DAYS} days)."
        ) from None
    except Conflict as exc:
        return redirect(f"{back}?kind=error&flash={quote(exc.message)}#job-{job_id}")
    return redirect(f"{back}?flash={quote(f'Job {job_id} resumed.')}#job-{job_id}")
