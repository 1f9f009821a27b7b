"""Exports over the API: letters, the compliance checklist, and mail-merge jobs.

A draft version as PDF/DOCX/text/e-mail, the checklist as CSV/PDF, and the mail merge as a
background job with progress.

Who may do what (declared on each route with ``allow(...)``; deny by default):

- letter and checklist exports (EXPORTERS): every role — everyone who works on the letter needs to
  read it in the form its audience gets, and admin, who may download every merged letter, may
  export one. An unapproved version always carries the "DRAFT — NOT APPROVED" watermark, so
  exporting it cannot be mistaken for a release.
- mail merge (MERGERS): compliance and admin only. A merge sends the letter to real people and
  handles their names and addresses in bulk; it is the release step, so it sits with the role that
  signs the checklist off (and admin for operations), not with the people who write or approve the
  text. One rule joins the two: whoever may merge may export (MERGERS is a subset of EXPORTERS).

Every export, merge start and resume, and every merge file downloaded is in the audit log.

Personal data: the uploaded recipients file is streamed to disk (never held in memory), deleted
when the job ends, and the job status holds counts and ids only. Outputs are deleted after
``EXPORT_RETENTION_DAYS`` (clean-up runs whenever a merge is created or listed).
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response

from app.api.deps import CurrentUser, SessionDep, SettingsDep, WorkflowDep, WriteSessionDep
from app.api.export_schemas import (
    ChecklistFormat,
    LetterFormat,
    MergeFormat,
    MergeJobPublic,
    MergeStarted,
    engine_format,
    merge_job_public,
)
from app.api.openapi import conflict
from app.auth.policy import allow
from app.auth.roles import EXPORTERS, MERGERS
from app.core.errors import Conflict, InvalidInput, NotFound
from app.export import assemble, jobs
from app.export.merge import MergeError
from app.workflow.audit import record

router = APIRouter(tags=["exports"])


def _runner(request: Request) -> Any:
    """The job runner of this app (app.export.runner): procrastinate workers or in-process."""
    return request.app.state.jobs


RunnerDep = Annotated[Any, Depends(_runner)]
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
JobId = Annotated[str, Path(pattern="^[A-Za-z0-9]{1,64}$", description="Merge job id.")]
assert set(MERGERS) <= set(EXPORTERS), "whoever may merge may export"  # a load-time invariant

MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
    "eml": "message/rfc822",
    "csv": "text/csv; charset=utf-8",
}


def _attachment(
    data: bytes, filename: str, kind: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        data,
        media_type=MEDIA[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            **(headers or {}),
        },
    )


@router.get(
    "/exports/drafts/{draft_id}/letter",
    dependencies=[allow(*EXPORTERS)],
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
)
def export_letter(
    draft_id: DraftId,
    session: WriteSessionDep,
    settings: SettingsDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    format: LetterFormat = "pdf",
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page_size: Literal["A4", "Letter"] = "Letter",
) -> Response:
    """One version (default: current) of a draft — a letter or another artifact — as PDF, DOCX,
    plain text or e-mail (.eml: letters and the e-mail channel, whose From/Subject lines become
    the message's headers).

    Released without the DRAFT marking: a version the CMO and security approved (a regulator notice
    also signed off by compliance). Letters are proved per recipient, as below; other artifacts are
    not mailed to residences and are released on their approval and current facts.

    An approved version is released only when it passes the per-recipient proof for every
    residence its draft covers, with the current facts (docs/exports.md); otherwise it is
    watermarked like a draft and the ``X-Candor-Proof`` header says ``failed`` with the reason
    codes. A stale draft is never approved.

    Not approved (or not the current version): watermarked "DRAFT — NOT APPROVED" in every format.
    Per-recipient merge fields stay as ``[[recipient: …]]``; the mail merge fills them.
    """
    draft, ver, facts, approved = assemble.load_version(session, draft_id, version)
    if format not in assemble.export_formats(draft.channel):
        allowed = ", ".join(assemble.export_formats(draft.channel))
        raise InvalidInput(
            f"A {draft.channel} exports as {allowed}; .eml is for letters and e-mails.",
            details=[{"field": "format", "message": f"use one of {allowed}"}],
        )
    failed = (
        [p for p in assemble.export_proof(session, ctx, draft, ver) if not p.ok] if approved else []
    )
    approved = approved and not failed
    doc = assemble.letter_document(ver.text, facts, approved, settings.LETTERHEAD, draft.channel)
    data = assemble.render_artifact(doc, format, page_size, draft.channel)
    stem = assemble.letter_stem(draft, ver.number, approved)
    _audit(
        session,
        user,
        "export",
        "draft",
        draft.id,
        ver.number,
        {"format": format, "approved": approved, "proof_failed": [p.as_dict() for p in failed]},
    )
    proof = (
        "failed; " + ", ".join(sorted({f"{p.residence}={p.code}" for p in failed}))
        if failed
        else (
            "not approved"
            if not approved
            else "passed"
            if draft.channel == "letter"
            else "not applicable"
        )
    )
    return _attachment(data, f"{stem}.{format}", format, {"X-Candor-Proof": proof})


@router.get(
    "/exports/drafts/{draft_id}/checklist",
    dependencies=[allow(*EXPORTERS)],
    responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["pdf"]: {}}}},
)
def export_checklist(
    draft_id: DraftId,
    session: WriteSessionDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    format: ChecklistFormat = "csv",
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Download the compliance checklist of a version.

    Each element with evidence, the approvers, the version hash and the rulebook hash; the
    signed-off checklist when compliance signed off.
    """
    draft, ver, _facts, _approved = assemble.load_version(session, draft_id, version)
    export = assemble.checklist_export(session, draft, ver, ctx.rulebook)
    stem = assemble.checklist_stem(draft, ver.number)
    _audit(session, user, "export_checklist", "draft", draft.id, ver.number, {"format": format})
    return _attachment(assemble.render_checklist(export, format), f"{stem}.{format}", format)


# ---- mail merge jobs ------------------------------------------------------------------------


@router.post(
    "/exports/merges",
    status_code=202,
    response_model=MergeStarted,
    dependencies=[allow(*MERGERS)],
    responses={404: {"description": "No incident with this `incident_id`."}},
)
def create_merge(
    session: SessionDep,
    settings: SettingsDep,
    ctx: WorkflowDep,
    user: CurrentUser,
    runner: RunnerDep,
    incident_id: Annotated[int, Form(ge=1)],
    recipients: Annotated[
        UploadFile, File(description="Recipients CSV (see docs/exports.md, Mail merge).")
    ],
    format: Annotated[
        MergeFormat, Form(description="txt or pdf, the names the letter export uses.")
    ] = "pdf",
    mode: Annotated[Literal["per-recipient", "per-variant"], Form()] = "per-recipient",
    tone: Annotated[str | None, Form()] = None,
    page_size: Annotated[Literal["A4", "Letter"], Form()] = "Letter",
    channel: Annotated[
        Literal["print", "email"],
        Form(
            description="print (letters as files) or email (sent through CANDOR_SMTP_URL; the CSV needs an `email` column)."
        ),
    ] = "print",
) -> MergeStarted:
    """Start a mail merge of the incident's approved letters over an uploaded recipients CSV.

    Answers 202 with the job id at once; poll ``GET /exports/merges/{id}`` for progress. Refused
    (422) when no letter of the incident is approved, a letter is stale, an approved letter was
    written on facts that changed since, or people who need a letter have no draft. Each
    residence's letter is proved for that residence's own laws; failures are rejected per row.
    """
    try:
        job_id = jobs.start_merge(
            session,
            FsPath(settings.EXPORT_DIR),
            runner=runner,
            retention_days=settings.EXPORT_RETENTION_DAYS,
            chunk_size=settings.MERGE_CHUNK_SIZE,
            incident_id=incident_id,
            recipients=recipients.file,
            filename=recipients.filename,
            fmt=engine_format(format),
            mode=mode,
            user=user,
            ctx=ctx,
            tone=tone,
            page_size=page_size,
            letterhead=settings.LETTERHEAD,
            channel=channel,
        )
    except MergeError as exc:
        raise InvalidInput(exc.message) from None
    return MergeStarted(id=job_id, status="running", url=f"/api/v1/exports/merges/{job_id}")


def _job(session: Any, settings: Any, runner: Any, job_id: str) -> tuple[FsPath, dict[str, Any]]:
    export_dir = FsPath(settings.EXPORT_DIR)
    try:
        return jobs.job_dir(export_dir, job_id), jobs.view(session, job_id, runner)
    except (FileNotFoundError, ValueError):
        raise NotFound(
            f"Merge job {job_id} does not exist (or was deleted after "
            f"{settings.EXPORT_RETENTION_DAYS} days). List jobs with GET /api/v1/exports/merges."
        ) from None


@router.get("/exports/merges", response_model=list[MergeJobPublic], dependencies=[allow(*MERGERS)])
def list_merges(session: SessionDep, runner: RunnerDep) -> list[MergeJobPublic]:
    """Merge jobs still within retention, newest first."""
    return [merge_job_public(status) for status in jobs.list_jobs(session, runner)]


@router.get(
    "/exports/merges/{job_id}", response_model=MergeJobPublic, dependencies=[allow(*MERGERS)]
)
def merge_status(
    job_id: JobId, session: SessionDep, settings: SettingsDep, runner: RunnerDep
) -> MergeJobPublic:
    """Return status and progress of a merge job.

    ``status`` running|complete|failed|interrupted, ``done``, ``rejected``, ``total`` (rows in the
    file), ``summary`` (per variant and reject reason) when complete.
    """
    return merge_job_public(_job(session, settings, runner, job_id)[1])


@router.post(
    "/exports/merges/{job_id}/resume",
    status_code=202,
    response_model=MergeStarted,
    dependencies=[allow(*MERGERS)],
    responses=conflict("only an interrupted job can be resumed."),
)
def resume_merge(
    job_id: JobId, session: SessionDep, settings: SettingsDep, user: CurrentUser, runner: RunnerDep
) -> MergeStarted:
    """Resume an interrupted job (e.g. after a restart); no letter is produced twice. Audited."""
    _job(session, settings, runner, job_id)  # 404 with the message for an unknown job
    jobs.resume(session, runner, job_id, user=user)
    return MergeStarted(id=job_id, status="running", url=f"/api/v1/exports/merges/{job_id}")


@router.get(
    "/exports/merges/{job_id}/files/{path:path}",
    dependencies=[allow(*MERGERS)],
    responses=conflict("the manifest and letters are final only when the job is complete.")
    | {200: {"content": {MEDIA["pdf"]: {}, MEDIA["csv"]: {}, MEDIA["txt"]: {}}}},
)
def merge_file(
    job_id: JobId,
    path: str,
    session: WriteSessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    runner: RunnerDep,
) -> FileResponse:
    """Download an output file of a merge job (audited: the files carry names and addresses).

    ``manifest.csv``, ``rejects.csv``, ``summary.json``, a variant's PDF or text (per-variant
    mode) or ``letters/<variant>/<recipient>.pdf`` (per-recipient mode).
    """
    folder, status = _job(session, settings, runner, job_id)
    if (path == "manifest.csv" or path.startswith("letters/")) and status["status"] != "complete":
        # a letter being written is visible under its name (app.export.merge.letterfiles)
        raise Conflict(
            f"Merge job {job_id} is {status['status']}; the manifest and the letters are final "
            "when it is complete."
        )
    root = (folder / jobs.OUT).resolve()
    target = (root / path).resolve()
    if (
        not target.is_relative_to(root)
        or not target.is_file()
        or any(p.startswith((".", "_")) for p in target.relative_to(root).parts)
    ):
        raise NotFound(f"Merge job {job_id} has no file {path!r}; see its manifest.csv.")
    jobs.audit_job(
        session,
        user,
        "merge_download",
        status.get("incident_id"),
        {"job": job_id, "file": target.relative_to(root).as_posix()},
    )
    kind = {".pdf": "pdf", ".csv": "csv", ".txt": "txt"}.get(target.suffix, "txt")
    media = "application/json" if target.suffix == ".json" else MEDIA[kind]
    return FileResponse(
        target, media_type=media, filename=target.name, headers={"Cache-Control": "no-store"}
    )


@router.get(
    "/exports/merges/{job_id}/manifest",
    dependencies=[allow(*MERGERS)],
    responses=conflict("the manifest and letters are final only when the job is complete.")
    | {200: {"content": {MEDIA["csv"]: {}}}},
)
def merge_manifest(
    job_id: JobId,
    session: WriteSessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    runner: RunnerDep,
) -> FileResponse:
    """Download the manifest (recipient id, line, residence, variant, file, first page, pages)."""
    return merge_file(job_id, "manifest.csv", session, settings, user, runner)


@router.get(
    "/exports/merges/{job_id}/rejects",
    dependencies=[allow(*MERGERS)],
    responses={200: {"content": {MEDIA["csv"]: {}}}},
)
def merge_rejects(
    job_id: JobId,
    session: WriteSessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    runner: RunnerDep,
) -> FileResponse:
    """Rows that produced no letter, with the reason (recipient id and line only; no addresses)."""
    return merge_file(job_id, "rejects.csv", session, settings, user, runner)


def _audit(
    session: Any,
    user: Any,
    action: str,
    entity: str,
    entity_id: int | None,
    version: int | None,
    details: dict[str, Any],
) -> None:
    """Record the export in the audit chain."""
    record(session, user, action, entity, entity_id, version, details)
    session.commit()
