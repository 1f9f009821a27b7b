"""Bulk drafting and bulk export as tasks (app.export.runner), with their state in ``task_jobs``.

Why tasks: drafting every variant × tone of a large incident renders and checks dozens of letters
(seconds each with the grammar check), and exporting every approved letter as PDF lays each one
out; neither belongs in a request. They run where merges run — on ``candor worker`` processes on
PostgreSQL, on a thread of the web process on SQLite — and report ``done`` of ``total`` items, like
a merge's progress.

Both tasks may run more than once (a worker died, a stalled task was re-queued): drafting skips a
variant × tone that already has a draft (each draft is committed on its own), and the export
rebuilds its zip from the start and replaces it atomically. Results hold ids and counts only.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.core.errors import AppError
from app.export import assemble
from app.export.plan import APPROVED_STATES
from app.export.runner import Runner, Runtime, task
from app.store import repositories as repo
from app.store.merge_models import TaskJob
from app.store.models import User, utcnow
from app.workflow.audit import record
from app.workflow.context import WorkflowContext

log = logging.getLogger("candor.tasks")

KINDS = {"drafts": "bulk.drafts", "export": "bulk.export"}
EXPORT_FILE = "letters.zip"


def task_folder(export_dir: Path | str, job_id: str) -> Path:
    """A task job's folder on the export storage (job ids are generated hex tokens)."""
    if not job_id.isalnum() or len(job_id) > 64:
        raise FileNotFoundError(job_id)
    return Path(export_dir) / "tasks" / job_id


def start_task(
    session: Session,
    runner: Runner,
    kind: str,
    incident_id: int,
    user: Any,
    params: dict[str, Any],
) -> str:
    """Register a job (audited) and queue its task; return the job id. The caller checked the
    incident exists and the parameters are valid."""
    job_id = secrets.token_hex(12)
    now = utcnow()
    session.add(
        TaskJob(
            id=job_id,
            kind=kind,
            incident_id=incident_id,
            created_by=getattr(user, "id", None),
            status="queued",
            params=params,
            done=0,
            created_at=now,
            updated_at=now,
        )
    )
    record(session, user, f"bulk_{kind}", "incident", incident_id, None, {"job": job_id, **params})
    session.commit()
    runner.defer(KINDS[kind], job_id=job_id)
    return job_id


def view_task(session: Session, job_id: str, runner: Runner | None = None) -> dict[str, Any]:
    """A job's status (raises FileNotFoundError for an unknown one)."""
    job = session.get(TaskJob, job_id) if job_id.isalnum() and len(job_id) <= 64 else None
    if job is None:
        raise FileNotFoundError(job_id)
    status = job.status
    if status in ("queued", "running") and runner is not None and not runner.active(job_id):
        status = "interrupted"  # the in-process runner restarted: start the job again
    return {
        "id": job.id,
        "kind": job.kind,
        "status": status,
        "incident_id": job.incident_id,
        "params": job.params,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "result": job.result,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "finished_at": job.finished_at,
    }


def _set(s: Session, job_id: str, **values: Any) -> None:
    """Update the job row and commit (in the task's one session: SQLite has one writer)."""
    s.execute(update(TaskJob).where(TaskJob.id == job_id).values(updated_at=utcnow(), **values))
    s.commit()


_CONTEXTS: dict[str, WorkflowContext] = {}


def _context(rt: Runtime) -> WorkflowContext:
    """The web app's workflow context, or (in a worker) one loaded once per process."""
    if rt.workflow is not None:
        return rt.workflow  # type: ignore[no-any-return]
    rules = str(rt.settings.RULES_DIR)
    if rules not in _CONTEXTS:
        from app.rulebook.loader import load_rulebook

        _CONTEXTS[rules] = WorkflowContext(rt.settings, load_rulebook(Path(rules)))
    return _CONTEXTS[rules]


def _run(rt: Runtime, job_id: str, body: Any) -> None:
    """Load the job, mark it running, run ``body(session, job, actor)``; record a failure."""
    with rt.db.sessions() as s:
        job = s.get(TaskJob, job_id)
        if job is None or job.status not in ("queued", "running"):
            return
        job.status, job.updated_at = "running", utcnow()
        s.commit()
        actor = s.get(User, job.created_by) if job.created_by is not None else None
        try:
            result = body(s, job, actor)
        except AppError as exc:
            s.rollback()
            _set(s, job_id, status="failed", error=exc.message, finished_at=utcnow())
            return
        except Exception as exc:
            s.rollback()
            log.exception("task job %s failed", job_id)
            message = f"internal error ({exc.__class__.__name__}); see the worker log"
            _set(s, job_id, status="failed", error=message, finished_at=utcnow())
            return
        _set(s, job_id, status="complete", result=result, finished_at=utcnow())


@task("bulk.drafts")
def bulk_drafts(rt: Runtime, job_id: str) -> None:
    """Draft every needed variant × tone of the incident (a channel and language) not drafted yet."""
    from app.core.errors import Conflict
    from app.workflow.incidents import add_draft
    from app.workflow.variants import variants_for

    ctx = _context(rt)

    def body(s: Session, job: TaskJob, actor: Any) -> dict[str, Any]:
        p = job.params
        facts = repo.current_facts(s, job.incident_id)
        wanted = [
            (v, tone) for v in variants_for(facts, ctx.rulebook, ctx.today()) for tone in p["tones"]
        ]
        _set(s, job.id, total=len(wanted))
        created: list[int] = []
        failed: list[dict[str, str]] = []
        existing = 0
        for i, (variant, tone) in enumerate(wanted, start=1):
            codes = "+".join(variant.jurisdictions)
            try:
                d = add_draft(
                    s, ctx, actor, job.incident_id, codes, tone, p["channel"], p["language"]
                )
                created.append(d.draft.id)
            except Conflict:
                s.rollback()
                existing += 1
            except AppError as exc:  # e.g. no regulator notice is owed for this variant
                s.rollback()
                failed.append({"variant": variant.code, "tone": tone, "message": exc.message})
            _set(s, job.id, done=i)
        return {"created": created, "existing": existing, "failed": failed}

    _run(rt, job_id, body)


@task("bulk.export")
def bulk_export(rt: Runtime, job_id: str) -> None:
    """Every approved letter of the incident (current versions) in one zip, with an index.csv."""
    ctx = _context(rt)

    def body(s: Session, job: TaskJob, actor: Any) -> dict[str, Any]:
        fmt, page_size = job.params["format"], job.params["page_size"]
        drafts = [
            d
            for d in repo.list_drafts(s, job.incident_id)
            if d.state in APPROVED_STATES and fmt in assemble.export_formats(d.channel)
        ]
        _set(s, job.id, total=len(drafts))
        folder = task_folder(rt.settings.EXPORT_DIR, job.id)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{EXPORT_FILE}.tmp"
        index = io.StringIO()
        rows = csv.writer(index)
        rows.writerow(
            ["draft_id", "variant", "tone", "channel", "language", "version", "released", "file"]
        )
        released = 0
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for i, draft in enumerate(drafts, start=1):
                data, name, ok, number = _render(s, ctx, rt.settings, draft, fmt, page_size)
                zf.writestr(name, data)
                released += ok
                rows.writerow(
                    [
                        draft.id,
                        draft.variant,
                        draft.tone,
                        draft.channel,
                        draft.language,
                        number,
                        "yes" if ok else "no",
                        name,
                    ]
                )
                record(
                    s,
                    actor,
                    "export",
                    "draft",
                    draft.id,
                    number,
                    {"format": fmt, "approved": ok, "job": job.id},
                )
                s.commit()
                _set(s, job.id, done=i)
            zf.writestr("index.csv", index.getvalue())
        tmp.replace(folder / EXPORT_FILE)
        return {"letters": len(drafts), "released": released, "file": EXPORT_FILE}

    _run(rt, job_id, body)


def _render(
    s: Session, ctx: Any, settings: Any, draft: Any, fmt: str, page_size: str
) -> tuple[bytes, str, bool, int]:
    """One draft's current version as the single-letter export makes it: (bytes, file name,
    released, version). Released only when approved and its per-recipient proof passes."""
    draft, ver, facts, approved = assemble.load_version(s, draft.id, None)
    if approved:
        approved = all(p.ok for p in assemble.export_proof(s, ctx, draft, ver))
    doc = assemble.letter_document(ver.text, facts, approved, settings.LETTERHEAD, draft.channel)
    data = assemble.render_artifact(doc, fmt, page_size, draft.channel)
    return data, f"{assemble.letter_stem(draft, ver.number, approved)}.{fmt}", approved, ver.number
