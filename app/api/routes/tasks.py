"""Long jobs over the API: bulk drafting and bulk export as background tasks with progress.

Thin routes over app.export.bulk_tasks: each POST checks the incident exists, registers the job
(audited) and answers 202 with its URL; ``GET /tasks/{id}`` reports ``done`` of ``total`` items,
like a merge job. Drafting needs the roles that may add a draft; exporting, those that may export
a letter (every export in the zip is audited as the single export is).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from app.api.base import Channel, Language, RequestModel, Tone
from app.api.deps import CurrentUser, SessionDep, SettingsDep, WriteSessionDep
from app.api.openapi import conflict
from app.auth.policy import allow, allow_any_user
from app.auth.roles import EXPORTERS
from app.core.errors import Conflict, NotFound
from app.export.bulk_tasks import EXPORT_FILE, start_task, task_folder, view_task
from app.store import repositories as repo
from app.workflow.audit import record

router = APIRouter(tags=["tasks"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Incident id.")]
TaskId = Annotated[str, Path(pattern="^[A-Za-z0-9]{1,64}$", description="Task job id.")]
EDITORS = ("responder", "cmo", "security")  # as adding one draft (app/api/routes/incidents.py)


def _runner(request: Request) -> Any:
    return request.app.state.jobs


RunnerDep = Annotated[Any, Depends(_runner)]


class BulkDraftsCreate(RequestModel):
    """Which drafts to make: every variant the current facts need × each tone, in one channel and
    language; variants × tones already drafted are skipped."""

    tones: list[Tone] = Field(default_factory=lambda: ["plain"], min_length=1, max_length=3)
    channel: Channel = "letter"
    language: Language = "en"


class BulkExportCreate(RequestModel):
    """The format of every approved letter in the zip."""

    format: Literal["pdf", "docx", "txt"] = "pdf"
    page_size: Literal["A4", "Letter"] = "Letter"


class TaskStarted(BaseModel):
    """A job accepted (202): poll `url` for progress."""

    id: str
    status: Literal["queued"]
    url: str


class TaskJobPublic(BaseModel):
    """A bulk job: progress (`done` of `total` items), and its result once complete (ids and
    counts; an export's zip at `download`)."""

    id: str
    kind: Literal["drafts", "export"]
    status: Literal["queued", "running", "complete", "failed", "interrupted"]
    incident_id: int
    params: dict[str, Any]
    done: int
    total: int | None
    error: str | None
    result: dict[str, Any] | None
    download: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


def _started(job_id: str) -> TaskStarted:
    return TaskStarted(id=job_id, status="queued", url=f"/api/v1/tasks/{job_id}")


def _view(session: Any, runner: Any, job_id: str) -> dict[str, Any]:
    try:
        return view_task(session, job_id, runner)
    except FileNotFoundError:
        raise NotFound(f"Task job {job_id} does not exist.") from None


@router.post(
    "/incidents/{incident_id}/drafts/bulk",
    status_code=202,
    response_model=TaskStarted,
    dependencies=[allow(*EDITORS)],
)
def bulk_drafts(
    incident_id: IncidentId,
    session: SessionDep,
    user: CurrentUser,
    runner: RunnerDep,
    body: BulkDraftsCreate | None = None,
) -> TaskStarted:
    """Draft every variant the incident's current facts need × each tone, in the background."""
    repo.get_incident(session, incident_id)  # 404 for an unknown incident
    body = body or BulkDraftsCreate()
    params = {"tones": list(dict.fromkeys(body.tones)), "channel": body.channel}
    job = start_task(
        session, runner, "drafts", incident_id, user, params | {"language": body.language}
    )
    return _started(job)


@router.post(
    "/exports/incidents/{incident_id}/letters",
    status_code=202,
    response_model=TaskStarted,
    dependencies=[allow(*EXPORTERS)],
)
def bulk_export(
    incident_id: IncidentId,
    session: SessionDep,
    user: CurrentUser,
    runner: RunnerDep,
    body: BulkExportCreate | None = None,
) -> TaskStarted:
    """Export every approved draft's current version (PDF, DOCX or text) as one zip with an
    index.csv, in the background; each letter exactly as the single export makes it."""
    repo.get_incident(session, incident_id)
    body = body or BulkExportCreate()
    params = {"format": body.format, "page_size": body.page_size}
    return _started(start_task(session, runner, "export", incident_id, user, params))


@router.get("/tasks/{job_id}", response_model=TaskJobPublic, dependencies=[allow_any_user()])
def task_status(job_id: TaskId, session: SessionDep, runner: RunnerDep) -> TaskJobPublic:
    """Status and progress of a bulk job."""
    status = _view(session, runner, job_id)
    done = status["kind"] == "export" and status["status"] == "complete"
    return TaskJobPublic(**status, download=f"/api/v1/tasks/{job_id}/download" if done else None)


@router.get(
    "/tasks/{job_id}/download",
    dependencies=[allow(*EXPORTERS)],
    responses=conflict("the zip exists once the export job is complete.")
    | {200: {"content": {"application/zip": {}}}},
)
def task_download(
    job_id: TaskId,
    session: WriteSessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    runner: RunnerDep,
) -> FileResponse:
    """The zip of a complete bulk export (audited)."""
    status = _view(session, runner, job_id)
    if status["kind"] != "export" or status["status"] != "complete":
        raise Conflict(
            f"Task job {job_id} is a {status['kind']} job, {status['status']}: no zip to download."
        )
    target = task_folder(settings.EXPORT_DIR, job_id) / EXPORT_FILE
    if not target.is_file():
        raise NotFound(f"Task job {job_id}'s zip was deleted.")
    record(
        session, user, "export_download", "incident", status["incident_id"], None, {"job": job_id}
    )
    session.commit()
    return FileResponse(
        target,
        media_type="application/zip",
        filename=f"incident-{status['incident_id']}-letters.zip",
        headers={"Cache-Control": "no-store"},
    )
