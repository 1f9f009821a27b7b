"""Exports over the API: letters, the compliance checklist, and mail-merge jobs.

A draft version as PDF/DOCX/text/e-mail, the checklist as CSV/PDF, and the mail merge as a
background job with progress.

Who may do what (declared on each route with ``allow(...)``; deny by default):

- letter and checklist exports: responder, cmo, security, compliance — everyone who works on the
  letter needs to read it in the form its audience gets. An unapproved version always carries the
  "DRAFT — NOT APPROVED" watermark, so exporting it cannot be mistaken for a release.
- mail merge: compliance and admin only. A merge sends the letter to real people and handles their
  names and addresses in bulk; it is the release step, so it sits with the role that signs the
  checklist off (and admin for operations), not with the people who write or approve the text.

Personal data: the uploaded recipients file is streamed to disk (never held in memory), deleted
when the job ends, and the job status holds counts and ids only. Outputs are deleted after
``EXPORT_RETENTION_DAYS`` (clean-up runs whenever a merge is created or listed).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import FileResponse, Response

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.auth.policy import allow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.export import jobs
from app.export.document import ExportDocument
from app.export.merge import MergeError
from app.export.plan import APPROVED_STATES

router = APIRouter(tags=["exports"])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
EXPORTERS = ("responder", "cmo", "security", "compliance")
MERGERS = ("compliance", "admin")

MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
    "eml": "message/rfc822",
    "csv": "text/csv; charset=utf-8",
}


def version_hash(text: str) -> str:
    """Content hash of a version's text (SHA-256): printed on exports, checked by the merge."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _title(text: str) -> str:
    m = re.match(r"\s*#\s+(.+)", text)
    return m.group(1).strip() if m else "Notice of Data Breach"


def _load(session: Any, draft_id: int, number: int | None) -> tuple[Any, Any, Any, bool]:
    from app.store import repositories as repo  # noqa: PLC0415

    draft = repo.get_draft(session, draft_id)
    version = repo.get_version(session, draft_id, number)
    approved = draft.state in APPROVED_STATES and version.number == draft.current_version
    facts = repo.facts_version(session, draft.incident_id, version.facts_version).facts
    return draft, version, facts, approved


def _attachment(data: bytes, filename: str, kind: str) -> Response:
    return Response(
        data,
        media_type=MEDIA[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/exports/drafts/{draft_id}/letter",
    dependencies=[allow(*EXPORTERS)],
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
)
def export_letter(
    draft_id: DraftId,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    format: Literal["pdf", "docx", "txt", "eml"] = "pdf",  # noqa: A002
    version: Annotated[int | None, Query(ge=1)] = None,
    page_size: Literal["A4", "Letter"] = "Letter",
) -> Response:
    """One version (default: current) of a draft as PDF, DOCX, plain text or e-mail.

    Not approved (or not the current version): watermarked "DRAFT — NOT APPROVED" in every format.
    Per-recipient merge fields stay as ``[[recipient: …]]``; the mail merge fills them.
    """
    draft, ver, facts, approved = _load(session, draft_id, version)
    org = ((facts.get("organisation") or {}).get("name")) or ""
    doc = ExportDocument(
        text=ver.text,
        title=_title(ver.text),
        organisation=org,
        letterhead=settings.LETTERHEAD or org,
        approved=approved,
        version_hash=version_hash(ver.text),
    )
    stem = f"incident{draft.incident_id}-{draft.variant}-{draft.tone}-v{ver.number}" + (
        "" if approved else "-DRAFT"
    )
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
    if format == "pdf":
        from app.export.pdf import render_pdf  # noqa: PLC0415

        data = render_pdf(doc, page_size=page_size)
    elif format == "docx":
        from app.export.docx import render_docx  # noqa: PLC0415

        data = render_docx(doc, page_size=page_size)
    elif format == "txt":
        from app.export.text import render_text  # noqa: PLC0415

        data = render_text(doc).encode("utf-8")
    else:
        from app.export.email import build_email, to_bytes  # noqa: PLC0415

        data = to_bytes(build_email(doc))
    _audit(
        session,
        user,
        "export",
        "draft",
        draft.id,
        ver.number,
        {"format": format, "approved": approved},
    )
    return _attachment(data, f"{stem}.{format}", format)


@router.get(
    "/exports/drafts/{draft_id}/checklist",
    dependencies=[allow(*EXPORTERS)],
    responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["pdf"]: {}}}},
)
def export_checklist(
    draft_id: DraftId,
    session: SessionDep,
    user: CurrentUser,
    format: Literal["csv", "pdf"] = "csv",  # noqa: A002
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Download the compliance checklist of a version.

    Each element with evidence, the approvers, the version hash and the rulebook hash; the
    signed-off checklist when compliance signed off.
    """
    from app.export.checklist import ChecklistExport, checklist_csv, checklist_pdf  # noqa: PLC0415
    from app.store import repositories as repo  # noqa: PLC0415

    draft, ver, _facts, _approved = _load(session, draft_id, version)
    incident = repo.get_incident(session, draft.incident_id)
    sign_off = repo.sign_off_for(session, ver.id)
    rows = (
        sign_off.checklist
        if sign_off
        else [e.model_dump(mode="json") for e in repo.report_for(session, ver).elements]
    )
    approvals = []
    for r in repo.reviews_for(session, ver.id):
        if r.decision in ("approve", "approved"):
            approvals.append(
                {
                    "user": repo.get_user(session, r.user_id).email,
                    "role": r.role,
                    "at": r.created_at,
                }
            )
    signer = None
    if sign_off:
        signer = f"{repo.get_user(session, sign_off.user_id).email} {sign_off.created_at}"
    export = ChecklistExport(
        incident_name=incident.title,
        draft_id=f"{draft.id} ({draft.variant}, {draft.tone})",
        version_number=ver.number,
        version_hash=version_hash(ver.text),
        rulebook_hash=ver.rulebook_hash,
        rows=rows,
        approvals=approvals,
        signed_off_by=signer,
    )
    stem = re.sub(
        r"[^A-Za-z0-9._-]+",
        "_",
        f"checklist-incident{draft.incident_id}-{draft.variant}-v{ver.number}",
    )
    _audit(session, user, "export_checklist", "draft", draft.id, ver.number, {"format": format})
    if format == "csv":
        return _attachment(checklist_csv(export).encode("utf-8"), f"{stem}.csv", "csv")
    return _attachment(checklist_pdf(export), f"{stem}.pdf", "pdf")


# ---- mail merge jobs ------------------------------------------------------------------------


@router.post("/exports/merges", status_code=202, dependencies=[allow(*MERGERS)])
def create_merge(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    incident_id: Annotated[int, Form(ge=1)],
    recipients: Annotated[
        UploadFile, File(description="Recipients CSV (see docs/exports.md, Mail merge).")
    ],
    format: Annotated[Literal["text", "pdf"], Form()] = "pdf",  # noqa: A002
    mode: Annotated[Literal["per-recipient", "per-variant"], Form()] = "per-recipient",
    tone: Annotated[str | None, Form()] = None,
    page_size: Annotated[Literal["A4", "Letter"], Form()] = "Letter",
) -> dict[str, Any]:
    """Start a mail merge of the incident's approved letters over an uploaded recipients CSV.

    Answers 202 with the job id at once; poll ``GET /exports/merges/{id}`` for progress. Refused
    (422) when no letter of the incident is approved.
    """
    try:
        job_id = jobs.start_merge(
            session,
            FsPath(settings.EXPORT_DIR),
            retention_days=settings.EXPORT_RETENTION_DAYS,
            incident_id=incident_id,
            recipients=recipients.file,
            filename=recipients.filename,
            fmt=format,
            mode=mode,
            user=user,
            tone=tone,
            page_size=page_size,
            letterhead=settings.LETTERHEAD,
        )
    except MergeError as exc:
        raise InvalidInput(exc.message) from None
    return {"id": job_id, "status": "running", "url": f"/api/v1/exports/merges/{job_id}"}


def _job(settings: Any, job_id: str) -> tuple[FsPath, dict[str, Any]]:
    export_dir = FsPath(settings.EXPORT_DIR)
    try:
        return jobs.job_dir(export_dir, job_id), jobs.view(export_dir, job_id)
    except (FileNotFoundError, ValueError):
        raise NotFound(
            f"Merge job {job_id} does not exist (or was deleted after "
            f"{settings.EXPORT_RETENTION_DAYS} days). List jobs with GET /api/v1/exports/merges."
        ) from None


@router.get("/exports/merges", dependencies=[allow(*MERGERS)])
def list_merges(settings: SettingsDep) -> list[dict[str, Any]]:
    """Merge jobs still within retention, newest first."""
    return jobs.list_jobs(FsPath(settings.EXPORT_DIR), settings.EXPORT_RETENTION_DAYS)


@router.get("/exports/merges/{job_id}", dependencies=[allow(*MERGERS)])
def merge_status(job_id: str, settings: SettingsDep) -> dict[str, Any]:
    """Return status and progress of a merge job.

    ``status`` running|complete|failed|interrupted, ``done``, ``rejected``, ``total`` (rows in the
    file), ``summary`` (per variant and reject reason) when complete.
    """
    return _job(settings, job_id)[1]


@router.post("/exports/merges/{job_id}/resume", status_code=202, dependencies=[allow(*MERGERS)])
def resume_merge(job_id: str, settings: SettingsDep) -> dict[str, Any]:
    """Resume an interrupted job (e.g. after a restart); no letter is produced twice."""
    _job(settings, job_id)  # 404 with the message for an unknown job
    jobs.resume(FsPath(settings.EXPORT_DIR), job_id, settings.EXPORT_RETENTION_DAYS)
    return {"id": job_id, "status": "running", "url": f"/api/v1/exports/merges/{job_id}"}


@router.get("/exports/merges/{job_id}/files/{path:path}", dependencies=[allow(*MERGERS)])
def merge_file(job_id: str, path: str, settings: SettingsDep) -> FileResponse:
    """Download an output file of a merge job.

    ``manifest.csv``, ``rejects.csv``, ``summary.json``, a variant's PDF or text (per-variant
    mode) or ``letters/<variant>/<recipient>.pdf`` (per-recipient mode).
    """
    folder, status = _job(settings, job_id)
    if path == "manifest.csv" and status["status"] != "complete":
        raise Conflict(
            f"Merge job {job_id} is {status['status']}; the manifest is final when it is complete."
        )
    root = (folder / jobs.OUT).resolve()
    target = (root / path).resolve()
    if (
        not target.is_relative_to(root)
        or not target.is_file()
        or any(p.startswith((".", "_")) for p in target.relative_to(root).parts)
    ):
        raise NotFound(f"Merge job {job_id} has no file {path!r}; see its manifest.csv.")
    kind = {".pdf": "pdf", ".csv": "csv", ".txt": "txt"}.get(target.suffix, "txt")
    media = "application/json" if target.suffix == ".json" else MEDIA[kind]
    return FileResponse(
        target, media_type=media, filename=target.name, headers={"Cache-Control": "no-store"}
    )


@router.get("/exports/merges/{job_id}/manifest", dependencies=[allow(*MERGERS)])
def merge_manifest(job_id: str, settings: SettingsDep) -> FileResponse:
    """Download the manifest (recipient id, line, residence, variant, file, first page, pages)."""
    return merge_file(job_id, "manifest.csv", settings)


@router.get("/exports/merges/{job_id}/rejects", dependencies=[allow(*MERGERS)])
def merge_rejects(job_id: str, settings: SettingsDep) -> FileResponse:
    """Rows that produced no letter, with the reason (recipient id and line only; no addresses)."""
    return merge_file(job_id, "rejects.csv", settings)


def _audit(
    session: Any,
    user: Any,
    action: str,
    entity: str,
    entity_id: int | None,
    version: int | None,
    details: dict[str, Any],
) -> None:
    """Record the export in the audit chain (when the workflow's audit module is present)."""
    try:
        from app.workflow.audit import record  # noqa: PLC0415
    except ImportError:  # pragma: no cover - store not installed
        return
    record(session, user, action, entity, entity_id, version, details)
    session.commit()
