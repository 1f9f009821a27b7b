"""Mail-merge jobs: start, list, view, resume and retention clean-up, with state in the database.

A job is a ``merge_jobs`` row (app.store.merge_models) plus a folder on the export storage,
``EXPORT_DIR/merges/<job id>/``: ``upload.csv`` and ``chunks/`` (the recipients: deleted as soon
as the job ends, whether it completed or failed) and ``out/`` (letters, manifest, rejects,
summary). The work runs as tasks (app.export.merge_tasks) on the runner on ``app.state.jobs``
(app.export.runner): procrastinate workers on PostgreSQL, a thread of the web process on SQLite.
Progress is the sum of the chunks' counts, so it is right whichever workers did the chunks.

The status dict (:func:`view`) carries ids and counts only, never a name or an address:
``id, status (queued|running|complete|failed|interrupted), phase, channel, format, mode,
page_size, incident_id, created_by, created_at, updated_at, done, rejected, total, chunks
{total, done, running}, error, delivery (e-mail channel: sent/refused/deferred/sending/waiting
counts), summary, resumable``.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.core.errors import Conflict
from app.export.merge import FORMATS, MODES, MergeError, MergePlan
from app.export.merge_tasks import OUT, UPLOAD, plan_to_dict
from app.export.plan import plan_from_store
from app.export.runner import Runner
from app.export.upload import HEADER_BYTES, check_header, copy_utf8
from app.store.merge_models import MergeChunk, MergeJob, MergeRecipient
from app.store.models import User, utcnow
from app.workflow.audit import record

__all__ = [
    "CHANNELS",
    "HEADER_BYTES",
    "OUT",
    "audit_job",
    "check_header",
    "cleanup",
    "copy_utf8",
    "create_job",
    "job_dir",
    "list_jobs",
    "merges_dir",
    "resume",
    "start",
    "start_merge",
    "view",
]

log = logging.getLogger("candor.merge.jobs")

ACTIVE = ("queued", "running", "binding")
CHANNELS = ("print", "email")


def merges_dir(export_dir: Path) -> Path:
    """Folder holding one sub-folder per merge job."""
    return Path(export_dir) / "merges"


def job_dir(export_dir: Path, job_id: str) -> Path:
    """Return a job's folder (job ids are generated hex tokens; anything else is refused)."""
    if not job_id.isalnum() or len(job_id) > 64:
        raise FileNotFoundError(job_id)
    return merges_dir(export_dir) / job_id


def _epoch(at: datetime | None) -> float | None:
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _status(session: Session, job: MergeJob, runner: Runner | None) -> dict[str, Any]:
    rows = session.execute(
        select(
            MergeChunk.status,
            func.count(),
            func.coalesce(func.sum(MergeChunk.done), 0),
            func.coalesce(func.sum(MergeChunk.rejected), 0),
        )
        .where(MergeChunk.job_id == job.id)
        .group_by(MergeChunk.status)
    ).all()
    chunks = {state: n for state, n, _, _ in rows}
    done = sum(int(d) for _, _, d, _ in rows)
    rejected = sum(int(r) for _, _, _, r in rows)
    status = "running" if job.status == "binding" else job.status
    if job.status in ACTIVE and runner is not None and not runner.active(job.id):
        status = "interrupted"  # in-process runner restarted or stopped: resume it
    summary = job.summary
    if job.status == "complete" and summary:
        done, rejected = summary["produced_total"], summary["rejected_total"]
    delivery = None
    if job.channel == "email":
        delivery = {
            (state or "waiting"): n
            for state, n in session.execute(
                select(MergeRecipient.delivery, func.count())
                .where(MergeRecipient.job_id == job.id, MergeRecipient.outcome == "produced")
                .group_by(MergeRecipient.delivery)
            ).all()
        }
    email = None
    if job.created_by is not None:
        user = session.get(User, job.created_by)
        email = user.email if user else None
    return {
        "id": job.id,
        "status": status,
        "phase": job.status,
        "channel": job.channel,
        "format": job.format,
        "mode": job.mode,
        "page_size": job.page_size,
        "incident_id": job.incident_id,
        "created_by": email,
        "created_by_id": job.created_by,
        "created_at": _epoch(job.created_at),
        "updated_at": _epoch(job.updated_at),
        "done": done,
        "rejected": rejected,
        "total": job.total,
        "chunks": {
            "total": job.chunks,
            "done": chunks.get("done", 0),
            "running": chunks.get("running", 0),
        },
        "error": job.error,
        "delivery": delivery,
        "summary": summary,
        "resumable": status == "interrupted",
    }


def view(session: Session, job_id: str, runner: Runner | None = None) -> dict[str, Any]:
    """Return a job's status (raises FileNotFoundError for an unknown job)."""
    job = session.get(MergeJob, job_id) if job_id.isalnum() and len(job_id) <= 64 else None
    if job is None:
        raise FileNotFoundError(job_id)
    return _status(session, job, runner)


def list_jobs(
    session: Session, runner: Runner | None = None, *, incident_id: int | None = None
) -> list[dict[str, Any]]:
    """Jobs still within retention (optionally one incident's), newest first."""
    query = select(MergeJob).order_by(MergeJob.created_at.desc(), MergeJob.id)
    if incident_id is not None:
        query = query.where(MergeJob.incident_id == incident_id)
    return [_status(session, job, runner) for job in session.scalars(query)]


def cleanup(
    session: Session, export_dir: Path, retention_days: int, *, now: float | None = None
) -> list[str]:
    """Delete merge jobs (rows and folders) not updated for ``retention_days`` (active ones are kept),
    and job folders the database no longer knows (older than the retention too)."""
    limit = datetime.fromtimestamp(now if now is not None else time.time(), UTC) - timedelta(
        days=retention_days
    )
    removed = []
    for job in session.scalars(
        select(MergeJob).where(MergeJob.updated_at < limit, MergeJob.status.not_in(ACTIVE))
    ):
        shutil.rmtree(job_dir(export_dir, job.id), ignore_errors=True)
        session.execute(delete(MergeRecipient).where(MergeRecipient.job_id == job.id))  # no FK
        session.delete(job)
        removed.append(job.id)
    session.commit()
    root = merges_dir(export_dir)
    known = set(session.scalars(select(MergeJob.id)))
    for folder in root.iterdir() if root.is_dir() else []:
        if folder.is_dir() and folder.name not in known and not folder.name.startswith("."):
            if folder.stat().st_mtime < limit.timestamp():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
    if removed:
        log.info("merge jobs: deleted %d past retention (%d days)", len(removed), retention_days)
    return removed


def create_job(
    session: Session,
    export_dir: Path,
    *,
    plan: MergePlan,
    upload: Path,
    fmt: str,
    mode: str,
    incident_id: int | None,
    created_by: int | None,
    page_size: str = "Letter",
    channel: str = "print",
    chunk_size: int = 2000,
) -> str:
    """Register a job whose recipients file is at ``upload`` (moved into the job's folder)."""
    job_id = secrets.token_hex(12)
    folder = job_dir(export_dir, job_id)
    folder.mkdir(parents=True)
    upload.replace(folder / UPLOAD)
    now = utcnow()
    session.add(
        MergeJob(
            id=job_id,
            incident_id=incident_id,
            created_by=created_by,
            status="queued",
            channel=channel,
            format=fmt,
            mode=mode,
            page_size=page_size,
            plan=plan_to_dict(plan),
            chunk_size=chunk_size,
            chunks=0,
            created_at=now,
            updated_at=now,
        )
    )
    session.commit()
    return job_id


def start(session: Session, runner: Runner, job_id: str) -> None:
    """Queue the job's work: cut it into chunks (first run) or redo the chunks not done (resume)."""
    job = session.get(MergeJob, job_id)
    if job is None:
        raise FileNotFoundError(job_id)
    if job.status == "interrupted" or (job.status in ACTIVE and not runner.active(job_id)):
        cut = job.total is not None  # every chunk recorded (they are recorded as they are cut)
        if job.status == "binding" or (
            job.status != "queued" and cut and not _open(session, job_id)
        ):
            job.status = "binding"
            session.commit()
            runner.defer("merge.finish", job_id=job_id)
            return
        job.status = "running" if cut else "queued"
        session.execute(
            MergeChunk.__table__.update()
            .where(MergeChunk.job_id == job_id, MergeChunk.status == "running")
            .values(status="queued")
        )
        session.commit()
    runner.defer("merge.prepare", job_id=job_id)


def _open(session: Session, job_id: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(MergeChunk.job_id == job_id, MergeChunk.status != "done")
        )
        or 0
    )


def start_merge(
    session: Any,
    export_dir: Path,
    *,
    runner: Runner,
    retention_days: int,
    incident_id: int,
    recipients: BinaryIO,
    filename: str | None,
    fmt: str,
    mode: str,
    user: Any,
    ctx: Any,
    tone: str | None = None,
    page_size: str = "Letter",
    letterhead: str = "",
    chunk_size: int = 2000,
    channel: str = "print",
) -> str:
    """Start a merge of the incident's approved letters over an uploaded recipients file.

    ``ctx``: the workflow context (rulebook, settings) the per-recipient proof runs with.
    Builds the plan from the store (stale letters, changed facts and uncovered residences refuse
    it; each residence's letter is proved for that residence's laws), streams ``recipients`` to
    disk (never whole in memory), checks its header, registers the job, records ``merge_start``
    in the audit chain and queues its tasks. Returns the job id. Raises :class:`MergeError`
    (nothing approved, not a CSV, missing columns, bad format/mode) before any job exists; the
    upload is then deleted.
    """
    if fmt not in FORMATS:
        raise MergeError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if mode not in MODES:
        raise MergeError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if channel not in CHANNELS:
        raise MergeError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if channel == "email":
        _check_smtp(ctx.settings)
        mode = "per-recipient"
    export_dir = Path(export_dir)
    cleanup(session, export_dir, retention_days)
    plan = plan_from_store(session, incident_id, ctx=ctx, tone=tone or None, letterhead=letterhead)
    staging = merges_dir(export_dir)
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f".upload-{secrets.token_hex(8)}.csv"
    try:
        name = Path(filename).name if filename else "recipients file"
        copy_utf8(recipients, tmp, name)
        check_header(tmp, name, extra=("email",) if channel == "email" else ())
        job_id = create_job(
            session,
            export_dir,
            plan=plan,
            upload=tmp,
            fmt=fmt,
            mode=mode,
            page_size=page_size,
            incident_id=incident_id,
            created_by=getattr(user, "id", None),
            chunk_size=chunk_size,
            channel=channel,
        )
    finally:
        tmp.unlink(missing_ok=True)
    audit_job(
        session,
        user,
        "merge_start",
        incident_id,
        {
            "job": job_id,
            "format": fmt,
            "mode": mode,
            "channel": channel,
            "variants": sorted(plan.variants()),
            "refused_residences": {code: r[0] for code, r in sorted(plan.refusals.items())},
        },
    )
    start(session, runner, job_id)
    return job_id


def _check_smtp(settings: Any) -> None:
    """Refuse the e-mail channel when no SMTP server or sender is configured."""
    from app.export.smtp import SmtpConfigError, SmtpTarget

    if not settings.SMTP_URL or not settings.SMTP_FROM:
        raise MergeError(
            "the e-mail channel needs an SMTP server: set CANDOR_SMTP_URL and CANDOR_SMTP_FROM"
        )
    try:
        SmtpTarget.parse(settings.SMTP_URL)
    except SmtpConfigError as exc:
        raise MergeError(str(exc)) from None


def audit_job(
    session: Any, user: Any, action: str, incident_id: int | None, details: dict[str, Any]
) -> None:
    """Record a merge action (start, resume, a file downloaded) on its incident; ids only. Commits."""
    record(session, user, action, "incident", incident_id, None, details)
    session.commit()


def resume(session: Session, runner: Runner, job_id: str, *, user: Any) -> dict[str, Any]:
    """Resume an interrupted job (audited); :class:`Conflict` for any other state. Returns its status.

    Raises FileNotFoundError for an unknown job (as :func:`view`).
    """
    status = view(session, job_id, runner)
    if not status.get("resumable"):
        raise Conflict(
            f"Merge job {job_id} is {status['status']}; only an interrupted job can be resumed."
        )
    audit_job(session, user, "merge_resume", status.get("incident_id"), {"job": job_id})
    start(session, runner, job_id)
    return view(session, job_id, runner)
