"""`candor merge` on the merge jobs' path: the same chunk tasks, in this process, on a private SQLite.

Why: the single-process engine (:func:`app.export.merge.run_merge`) writes every letter to a
temporary name and renames it, flushes a manifest line and claims an id in SQLite per row, and in
per-variant mode writes one file per letter only to read it back when binding — 1,446–3,215 text
letters per CPU-second on this machine's disk, where a merge job (chunk files, letters created in
place, records in batches, parts joined at the end) does ≈ 7,000. So the CLI runs a merge job:
the job's state lives in ``OUT/_job/merge.sqlite`` (its own small database, migrated like the
store; no server and no store needed), the tasks (app.export.merge_tasks) run on an
:class:`~app.export.runner.InProcessRunner` thread, and when the job completes its outputs are
moved into ``OUT`` — the same files as before: ``letters/`` or ``<variant>.txt|pdf``,
``manifest.csv``, ``rejects.csv``, ``summary.json`` (written last: it marks the run complete) and
``merge.json``. Then ``_job/`` is deleted.

Resume: run the same command again with the same ``OUT``. The job in ``_job/`` is found and resumed
(chunks already done are not redone; a chunk cut short skips the lines it recorded); a job that
completed but whose outputs were not all moved is moved on; a failed job (e.g. a file unreadable
half-way) is dropped and started afresh. The per-recipient proof travels in the plan (its
refusals reject the rows of a failing residence), exactly as for an API merge job.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.export import jobs
from app.export.merge import (
    FORMATS,
    MODES,
    WORK_DIR,
    MergeError,
    MergePlan,
    MergeResult,
    check_plan,
    write_atomic,
)
from app.export.merge.state import check_meta, completed_result
from app.export.merge_tasks import OUT
from app.export.runner import InProcessRunner
from app.export.upload import check_header
from app.store.merge_models import MergeChunk, MergeJob

JOB_DIR = "_job"
JOB_DB = "merge.sqlite"
SUMMARY = "summary.json"

Progress = Callable[[int, int, int | None], None]


def _job_settings(settings: Any, work: Path) -> Any:
    """The settings the tasks see: the job's folder under ``work``, its private database."""
    return settings.model_copy(
        update={"EXPORT_DIR": work, "DATABASE_URL": f"sqlite:///{work / JOB_DB}"}
    )


def _job_database(work: Path, *, fresh: bool) -> Any:
    """The job's own SQLite database: made at the current schema, or (a resume) migrated to it."""
    from app.store.db import Database
    from app.store.migrate import create_current, upgrade

    path = work / JOB_DB
    if fresh:  # made under a temporary name: a database file is at the current schema or absent
        tmp = work / f".{JOB_DB}.tmp"
        tmp.unlink(missing_ok=True)
        made = Database.from_url(f"sqlite:///{tmp}")
        create_current(made.engine)
        made.dispose()
        os.replace(tmp, path)
    db = Database.from_url(f"sqlite:///{path}")
    if not fresh:
        upgrade(db.engine)
    return db


def _existing_job(db: Any) -> MergeJob | None:
    with db.reads() as s:
        return s.scalars(select(MergeJob).order_by(MergeJob.created_at.desc())).first()


def _handled(db: Any, job_id: str) -> tuple[int, int]:
    """Rows the job's chunks have recorded so far: (produced, rejected)."""
    with db.reads() as s:
        done, rejected = s.execute(
            select(
                func.coalesce(func.sum(MergeChunk.done), 0),
                func.coalesce(func.sum(MergeChunk.rejected), 0),
            ).where(MergeChunk.job_id == job_id)
        ).one()
    return int(done), int(rejected)


def _run(
    db: Any, settings: Any, job_id: str, progress: Progress | None, hooks: dict[str, Any] | None
) -> dict[str, Any]:
    """Start or resume the job on a thread of this process; wait for it, reporting progress."""
    runner = InProcessRunner(db, settings)
    runner.runtime.hooks = dict(hooks or {})
    try:
        with db.sessions() as s:
            jobs.start(s, runner, job_id)
        while not runner.wait(job_id, timeout=0.5):
            if progress:
                with db.reads() as s:
                    st = jobs.view(s, job_id)
                progress(st["done"], st["rejected"], st["total"])
        with db.reads() as s:
            return jobs.view(s, job_id)
    finally:
        runner.shutdown()


def _move_outputs(job_out: Path, out: Path) -> None:
    """Move the job's outputs into ``out`` (each entry renamed; a re-run moves what is left)."""
    if not job_out.is_dir():
        return
    for entry in sorted(job_out.iterdir()):
        if entry.name in (SUMMARY, WORK_DIR):
            continue  # summary: written last by the caller; _work: left by a job stopped there
        target = out / entry.name
        if entry.is_dir() and target.is_dir():  # an earlier run moved part of it
            _move_outputs(entry, target)
            continue
        os.replace(entry, target)


def run_local_merge(
    plan: MergePlan,
    recipients_csv: Path | str,
    out_dir: Path | str,
    *,
    settings: Any,
    fmt: str = "text",
    mode: str = "per-recipient",
    page_size: str = "Letter",
    progress: Progress | None = None,
    hooks: dict[str, Any] | None = None,
) -> MergeResult:
    """Merge ``recipients_csv`` into ``out_dir`` as a merge job run in this process (module doc).

    Raises :class:`MergeError` before producing anything when the plan, the format or mode, the
    output folder or the recipients file's header is unusable, and with the job's message when the
    job fails (a file unreadable part-way) or stops (``hooks``: the tasks' test hooks, e.g.
    ``stop_after``; a run stopped so is resumed by the next call).
    """
    if fmt not in FORMATS:
        raise MergeError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if mode not in MODES:
        raise MergeError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    variants = check_plan(plan)
    src, out = Path(recipients_csv), Path(out_dir)
    if not src.is_file():
        raise MergeError(f"{src.name}: cannot read recipients file")
    check_header(src, src.name)
    out.mkdir(parents=True, exist_ok=True)
    meta = check_meta(out, fmt, mode, variants)
    done = completed_result(out)
    if done is not None:
        return done
    started = time.perf_counter()
    work = out / JOB_DIR
    work.mkdir(exist_ok=True)
    job_settings = _job_settings(settings, work)
    db = _job_database(work, fresh=not (work / JOB_DB).exists())
    try:
        job = _existing_job(db)
        if job is not None and job.status == "failed":
            db.dispose()
            shutil.rmtree(work)
            work.mkdir()
            db = _job_database(work, fresh=True)
            job = None
        if job is None:
            upload = work / ".upload.csv"
            shutil.copyfile(src, upload)
            with db.sessions() as s:
                job_id = jobs.create_job(
                    s,
                    work,
                    plan=plan,
                    upload=upload,
                    fmt=fmt,
                    mode=mode,
                    page_size=page_size,
                    incident_id=None,
                    created_by=None,
                    chunk_size=settings.MERGE_CHUNK_SIZE,
                )
        else:
            job_id = job.id
        before = _handled(db, job_id)
        if job is None or job.status != "complete":
            _run(db, job_settings, job_id, progress, hooks)
        with db.reads() as s:
            final = s.get(MergeJob, job_id)
            assert final is not None
            if final.status == "failed":
                raise MergeError(final.error or "the merge failed")
            if final.status != "complete" or not final.summary:
                raise MergeError(
                    f"the merge stopped ({final.status}); run the same command again to resume"
                )
            summary = dict(final.summary)
    finally:
        db.dispose()
    _move_outputs(jobs.job_dir(work, job_id) / OUT, out)
    result = MergeResult(
        produced=summary["produced_total"] - before[0],
        rejected=summary["rejected_total"] - before[1],
        resumed=sum(before),
        per_variant=Counter(summary["per_variant"]),
        reject_reasons=Counter(summary["reject_reasons"]),
        files=summary["files"],
        seconds=time.perf_counter() - started,
        out_dir=out,
    )
    write_atomic(
        out / SUMMARY,
        json.dumps(
            {
                **meta,
                "status": "complete",
                **result.as_dict(),
                "produced_total": summary["produced_total"],
                "rejected_total": summary["rejected_total"],
                "proofs": dict(sorted(plan.proofs.items())),
            },
            indent=2,
        ).encode(),
    )
    shutil.rmtree(work, ignore_errors=True)
    if progress:
        progress(summary["produced_total"], summary["rejected_total"], None)
    return result
