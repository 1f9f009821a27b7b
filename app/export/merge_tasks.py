"""The merge as tasks: prepare (cut into chunks), chunk (letters of one chunk), finish (bind, summarise).

Any worker runs any of them, any number of times: each is idempotent. A chunk records one
``merge_recipients`` row per input line under two unique constraints (job + line, job +
recipient id of a produced letter), inserting with ON CONFLICT DO NOTHING, and skips the lines an
earlier attempt recorded — so a chunk redone after its worker was SIGKILLed produces nobody twice.
The chunk that completes last claims the job (status ``binding``, a conditional UPDATE only one
worker can win) and queues ``merge.finish``, which writes ``manifest.csv``, ``rejects.csv`` and
``summary.json`` from the database, binds per-variant files, and deletes the recipients file and
chunk files (personal data).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from app.export.merge import (
    MANIFEST_COLUMNS,
    REJECT_COLUMNS,
    WORK_DIR,
    MergeError,
    MergeInterrupted,
    MergePlan,
    VariantLetter,
    check_plan,
)
from app.export.merge.bind import bind_texts, bind_variants
from app.export.merge.outputs import output_for
from app.export.merge.rows import Filler
from app.export.merge.shard import (
    chunk_file,
    cut_upload,
    letters_of_chunk,
    read_chunk,
    write_rows,
)
from app.export.merge.state import write_atomic
from app.export.merge_delivery import deliver_chunk
from app.export.merge_parts import (
    PARTS,
    bind_parts,
    have_parts,
    join_manifest,
    join_rejects,
    write_parts,
)
from app.export.merge_records import ChunkRecords, recorded_lines
from app.export.runner import Runtime, task
from app.store.merge_models import MergeChunk, MergeJob, MergeRecipient
from app.store.models import utcnow

log = logging.getLogger("candor.merge.tasks")

UPLOAD = "upload.csv"
MANIFEST = "manifest.csv"
OUT = "out"
CHUNKS = "chunks"
FLUSH_ROWS = 500
LETTERS_PER_PART = 500


def job_folder(settings: Any, job_id: str) -> Path:
    """A job's folder under the export storage (shared by every worker)."""
    if not job_id.isalnum() or len(job_id) > 64:
        raise FileNotFoundError(job_id)
    return Path(settings.EXPORT_DIR) / "merges" / job_id


def plan_to_dict(plan: MergePlan) -> dict[str, Any]:
    """A plan as JSON (stored with the job, so any worker can rebuild it)."""
    return {
        "letters": {code: asdict(v) for code, v in plan.letters.items()},
        "default": asdict(plan.default) if plan.default else None,
        "refusals": {code: list(r) for code, r in plan.refusals.items()},
        "proofs": dict(plan.proofs),
        "translations": {
            lang: {code: asdict(v) for code, v in by_code.items()}
            for lang, by_code in plan.translations.items()
        },
        "fallback": plan.fallback,
    }


def plan_from_dict(data: dict[str, Any]) -> MergePlan:
    """The plan stored by :func:`plan_to_dict`."""
    return MergePlan(
        {code: VariantLetter(**v) for code, v in data["letters"].items()},
        VariantLetter(**data["default"]) if data.get("default") else None,
        refusals={code: (r[0], r[1]) for code, r in (data.get("refusals") or {}).items()},
        proofs=data.get("proofs") or {},
        translations={
            lang: {code: VariantLetter(**v) for code, v in by_code.items()}
            for lang, by_code in (data.get("translations") or {}).items()
        },
        fallback=bool(data.get("fallback")),
    )


def _set(session: Session, job_id: str, **values: Any) -> None:
    session.execute(
        update(MergeJob).where(MergeJob.id == job_id).values(updated_at=utcnow(), **values)
    )


def _fail(rt: Runtime, job_id: str, message: str) -> None:
    """End a job as failed and delete its recipients data."""
    with rt.db.sessions() as s:
        _set(s, job_id, status="failed", error=message, finished_at=utcnow())
        s.commit()
    _delete_inputs(job_folder(rt.settings, job_id))


def _delete_inputs(folder: Path) -> None:
    (folder / UPLOAD).unlink(missing_ok=True)
    shutil.rmtree(folder / CHUNKS, ignore_errors=True)
    shutil.rmtree(folder / PARTS, ignore_errors=True)


def _guard(rt: Runtime, job_id: str, fn: Any) -> None:
    """Run a task body; record a refusal or an unexpected failure on the job instead of dying."""
    try:
        fn()
    except MergeInterrupted:
        with rt.db.sessions() as s:
            _set(s, job_id, status="interrupted")
            s.commit()
        log.info("merge job %s: interrupted", job_id)
    except MergeError as exc:
        _fail(rt, job_id, exc.message)
        log.info("merge job %s: refused: %s", job_id, exc.message)
    except Exception as exc:
        _fail(rt, job_id, f"internal error ({exc.__class__.__name__}); see the worker log")
        log.exception("merge job %s: failed", job_id)


# ---- prepare ---------------------------------------------------------------------------------


@task("merge.prepare")
def prepare(rt: Runtime, job_id: str) -> None:
    """Cut the recipients file into chunks, record them and queue one task per chunk."""
    _guard(rt, job_id, lambda: _prepare(rt, job_id))


def _prepare(rt: Runtime, job_id: str) -> None:
    folder = job_folder(rt.settings, job_id)
    with rt.db.sessions() as s:
        job = s.get(MergeJob, job_id)
        if job is None or job.status not in ("queued", "running"):
            return
        if job.total is not None:  # already cut (this task is being redone): queue what is left
            numbers = _open_chunks(s, job_id)
            _set(s, job_id, status="running")
            s.commit()
            for n in numbers:
                rt.runner.defer("merge.chunk", job_id=job_id, number=n)
            _claim_finish(rt, job_id)
            return
        _set(s, job_id, status="running")
        s.commit()
        chunk_size = job.chunk_size
        known = dict(  # chunks of a cut that was interrupted: recorded already, maybe done
            s.execute(
                select(MergeChunk.number, MergeChunk.status).where(MergeChunk.job_id == job_id)
            ).all()
        )
    # Each chunk is recorded and queued as soon as its file is cut, so other workers start on it
    # while this one cuts the rest (a million-row file takes seconds to cut).
    total = count = 0
    stop_after = (rt.hooks or {}).get("cut_stop_after")  # tests: a cut interrupted half-way
    for n, first, rows in cut_upload(folder / UPLOAD, folder / CHUNKS, chunk_size):
        if stop_after is not None and count >= stop_after:
            raise MergeInterrupted(f"cut stopped after {count} chunks")
        if n not in known:
            with rt.db.sessions() as s:
                s.add(MergeChunk(job_id=job_id, number=n, first_line=first, rows=rows))
                _set(s, job_id, chunks=max(n + 1, len(known)))  # progress: chunks so far
                s.commit()
        if known.get(n) != "done":
            rt.runner.defer("merge.chunk", job_id=job_id, number=n)
        total, count = total + rows, count + 1
    with rt.db.sessions() as s:
        _set(s, job_id, total=total, chunks=count)
        s.commit()
    _claim_finish(rt, job_id)  # when every chunk finished before the cut did (or there are none)


def _open_chunks(s: Session, job_id: str) -> list[int]:
    return list(
        s.scalars(
            select(MergeChunk.number)
            .where(MergeChunk.job_id == job_id, MergeChunk.status != "done")
            .order_by(MergeChunk.number)
        )
    )


# ---- one chunk -------------------------------------------------------------------------------

_FILLERS: dict[str, tuple[MergePlan, dict[str, Filler]]] = {}


def _plan_of(job: MergeJob) -> tuple[MergePlan, dict[str, Filler]]:
    """The job's plan and fillers, built once per worker process and job."""
    cached = _FILLERS.get(job.id)
    if cached is None:
        plan = plan_from_dict(job.plan)
        cached = (plan, {vid: Filler(v) for vid, v in check_plan(plan).items()})
        _FILLERS.clear()
        _FILLERS[job.id] = cached
    return cached


@task("merge.chunk")
def chunk(rt: Runtime, job_id: str, number: int) -> None:
    """Produce the letters of one chunk (skipping lines an earlier attempt recorded)."""
    _guard(rt, job_id, lambda: _chunk(rt, job_id, number))


def _chunk(rt: Runtime, job_id: str, number: int) -> None:
    folder = job_folder(rt.settings, job_id)
    with rt.db.sessions() as s:
        job = s.get(MergeJob, job_id)
        part = s.scalar(
            select(MergeChunk).where(MergeChunk.job_id == job_id, MergeChunk.number == number)
        )
        if job is None or part is None or job.status != "running" or part.status == "done":
            return
        part.status, part.worker, part.started_at = "running", rt.worker[:120], utcnow()
        part.attempts += 1
        job.updated_at = utcnow()
        s.commit()
        last = part.first_line + part.rows - 1
        lines = (part.first_line, last)
        skip, earlier = recorded_lines(s, job_id, lines)
        plan, fillers = _plan_of(job)
        fmt, mode, page_size, channel = job.format, job.mode, job.page_size, job.channel
    root = folder / OUT / (WORK_DIR if mode == "per-variant" else "")
    chunk_files = mode == "per-variant" and fmt == "text" and channel != "email"
    stop_after = (rt.hooks or {}).get("stop_after")
    written: dict[str, tuple[int, int]] = {}  # chunk files: variant -> (letters, bytes)
    records = letters_of_chunk(
        read_chunk(chunk_file(folder / CHUNKS, number)),
        plan,
        fillers,
        output_for(fmt, page_size, channel, rt.settings.SMTP_FROM),
        os.fspath(root),
        skip,
        chunk=number if chunk_files else None,
        written=written,
    )
    recorder = ChunkRecords(rt.db, job_id, number, lines, earlier)
    batch: list[dict[str, Any]] = []
    handled = 0
    for rec in records:
        batch.append(rec)
        handled += 1
        if stop_after is not None and handled >= stop_after:
            recorder.store(batch)
            raise MergeInterrupted(f"stopped after {handled}")
        if len(batch) >= FLUSH_ROWS:
            recorder.store(batch)
            batch = []
    recorder.store(batch)
    if channel == "email":
        deliver_chunk(rt, job_id, number, lines, folder)
    with rt.db.reads() as s:  # this chunk's share of the outputs, before it counts as done
        write_parts(
            s,
            job_id,
            number,
            lines,
            folder / PARTS,
            written if chunk_files else None,
            records=recorder.copied,
        )
    recorder.store([], done=True)
    _claim_finish(rt, job_id)


def _claim_finish(rt: Runtime, job_id: str) -> None:
    """When every chunk is done, move the job to ``binding`` (one worker wins) and queue finish."""
    with rt.db.sessions() as s:
        open_chunks = (
            select(MergeChunk.id)
            .where(MergeChunk.job_id == job_id, MergeChunk.status != "done")
            .exists()
        )
        won = s.execute(
            update(MergeJob)
            .where(
                and_(
                    MergeJob.id == job_id,
                    MergeJob.status == "running",
                    MergeJob.total.is_not(None),  # the cut is complete: no chunk still to come
                    ~open_chunks,
                )
            )
            .values(status="binding", updated_at=utcnow())
        ).rowcount
        s.commit()
    if won:
        rt.runner.defer("merge.finish", job_id=job_id)


# ---- finish ----------------------------------------------------------------------------------


@task("merge.finish")
def finish(rt: Runtime, job_id: str) -> None:
    """Write the manifest, rejects and summary from the database; bind per-variant files."""
    _guard(rt, job_id, lambda: _finish(rt, job_id))


def _recipients(s: Session, job_id: str, outcome: str) -> Any:
    """The job's rows of one outcome in input order, streamed (plain rows, not ORM objects)."""
    r = MergeRecipient
    return s.execute(
        select(
            r.recipient_id, r.line, r.residence, r.variant, r.file, r.pages, r.reason_code, r.reason
        )
        .where(r.job_id == job_id, r.outcome == outcome)
        .order_by(r.line)
        .execution_options(yield_per=5000)
    )


def _finish(rt: Runtime, job_id: str) -> None:
    folder = job_folder(rt.settings, job_id)
    out = folder / OUT
    out.mkdir(parents=True, exist_ok=True)
    with rt.db.reads() as s:
        job = s.get(MergeJob, job_id)
        if job is None or job.status != "binding":
            return
        plan, fillers = _plan_of(job)
        fmt, mode = job.format, job.mode
        numbers = list(
            s.scalars(
                select(MergeChunk.number)
                .where(MergeChunk.job_id == job_id)
                .order_by(MergeChunk.number)
            )
        )
    if (mode == "per-recipient" or fmt == "text") and have_parts(folder / PARTS, numbers):
        files, per_variant, reasons, delivery = _finish_from_parts(rt, job, folder, numbers)
    else:  # PDF per variant, or a job whose chunks ran before chunks wrote parts
        files, per_variant, reasons, delivery = _finish_from_rows(rt, job, folder, fillers)
    _complete(rt, job_id, folder, plan, fmt, mode, files, per_variant, reasons, delivery)


def _counts(s: Session, job_id: str, outcome: str, column: Any) -> Counter[str]:
    r = MergeRecipient
    return Counter(
        dict(
            s.execute(  # type: ignore[arg-type]
                select(column, func.count())
                .where(r.job_id == job_id, r.outcome == outcome)
                .group_by(column)
            ).all()
        )
    )


def _delivery(s: Session, job: MergeJob) -> dict[str, int] | None:
    if job.channel != "email":
        return None
    counts = _counts(s, job.id, "produced", MergeRecipient.delivery)
    return {(state or "waiting"): n for state, n in counts.items()}


def _finish_from_parts(
    rt: Runtime, job: MergeJob, folder: Path, numbers: list[int]
) -> tuple[int, Counter[str], Counter[str], dict[str, int] | None]:
    """Outputs joined from the chunks' parts (app.export.merge_parts); counts from the database."""
    out = folder / OUT
    with rt.db.reads() as s:
        per_variant = _counts(s, job.id, "produced", MergeRecipient.variant)
        reasons = _counts(s, job.id, "rejected", MergeRecipient.reason_code)
        delivery = _delivery(s, job)
    join_rejects(out, folder / PARTS, numbers)
    if job.mode == "per-variant":
        files = bind_parts(out, out / WORK_DIR, folder / PARTS, numbers)
    else:
        join_manifest(out, folder / PARTS, numbers)
        files = sum(per_variant.values())
    return files, per_variant, reasons, delivery


def _finish_from_rows(
    rt: Runtime, job: MergeJob, folder: Path, fillers: dict[str, Filler]
) -> tuple[int, Counter[str], Counter[str], dict[str, int] | None]:
    """Outputs written from the job's rows in the database, then bound."""
    out = folder / OUT
    job_id, fmt, mode = job.id, job.format, job.mode
    with rt.db.reads() as s:
        reasons: Counter[str] = Counter()
        write_rows(
            out / "rejects.csv",
            REJECT_COLUMNS,
            (
                [r.recipient_id, r.line, r.reason_code, r.reason]
                for r in _recipients(s, job_id, "rejected")
                if not reasons.update([r.reason_code])
            ),
        )
        per_variant: Counter[str] = Counter()
        produced_rows = (
            r for r in _recipients(s, job_id, "produced") if not per_variant.update([r.variant])
        )
        files = None
        if mode == "per-variant" and fmt == "text":  # one pass: bound files and manifest
            files = bind_texts(out, out / WORK_DIR, (r._mapping for r in produced_rows))
        else:
            manifest = out / WORK_DIR / "manifest.csv" if mode == "per-variant" else out / MANIFEST
            manifest.parent.mkdir(parents=True, exist_ok=True)
            write_rows(
                manifest,
                MANIFEST_COLUMNS,
                (
                    [
                        r.recipient_id,
                        r.line,
                        r.residence,
                        r.variant,
                        r.file,
                        1 if r.pages else "",
                        r.pages or "",
                    ]
                    for r in produced_rows
                ),
            )
        delivery = _delivery(s, job)
    if mode == "per-variant" and files is None:
        variants = {vid: f.letter for vid, f in fillers.items()}
        files = bind_variants(out, out / WORK_DIR, variants, fmt, LETTERS_PER_PART)
    if mode != "per-variant":
        files = sum(per_variant.values())
    return files, per_variant, reasons, delivery


def _complete(
    rt: Runtime,
    job_id: str,
    folder: Path,
    plan: MergePlan,
    fmt: str,
    mode: str,
    files: int,
    per_variant: Counter[str],
    reasons: Counter[str],
    delivery: dict[str, int] | None,
) -> None:
    """Write summary.json, mark the job complete and delete the recipients data."""
    out = folder / OUT
    produced, rejected = sum(per_variant.values()), sum(reasons.values())
    summary = {
        "produced": produced,
        "rejected": rejected,
        "resumed": 0,
        "per_variant": dict(sorted(per_variant.items())),
        "reject_reasons": dict(sorted(reasons.items())),
        "files": files,
        "produced_total": produced,
        "rejected_total": rejected,
    }
    if delivery is not None:
        summary["delivery"] = dict(sorted(delivery.items()))
    meta = {"format": fmt, "mode": mode, "status": "complete"}
    write_atomic(
        out / "summary.json",
        json.dumps(
            {**meta, **summary, "proofs": dict(sorted(plan.proofs.items()))}, indent=2
        ).encode(),
    )
    with rt.db.sessions() as s:
        _set(
            s,
            job_id,
            status="complete",
            summary=summary,
            finished_at=utcnow(),
        )
        s.commit()
    # Deleted once the job reads complete: no one waits for the kernel to unlink the work files
    # (the API never serves _work/, and a job folder is deleted whole after the retention).
    _delete_inputs(folder)
    shutil.rmtree(out / WORK_DIR, ignore_errors=True)
    log.info("merge job %s: complete; %d letters, %d rejected", job_id, produced, rejected)
