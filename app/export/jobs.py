"""Mail-merge jobs: a background thread per job, progress in ``job.json``, retention clean-up.

Why not a task queue: one merge at a time per job, progress written to a small JSON file, and the
engine's own resume make a thread enough for one process; the files (not memory) are the state,
so status survives a restart and an interrupted job can be resumed.

Layout: ``EXPORT_DIR/merges/<job id>/`` holds ``job.json`` (status, counts, who started it —
never names or addresses), ``upload.csv`` (the recipients file: deleted as soon as the job ends,
whether it completed or failed), ``plan.json`` (the approved letters, to resume) and ``out/`` (the
engine's output). :func:`cleanup` deletes job folders whose last update is older than
``EXPORT_RETENTION_DAYS``; it runs when a job starts and when jobs are listed or created.
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
import os
import secrets
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from app.core.errors import Conflict
from app.export.merge import (
    FORMATS,
    MODES,
    MergeError,
    MergeInterrupted,
    MergePlan,
    VariantLetter,
    check_columns,
    count_rows,
    run_merge,
    write_atomic,
)
from app.export.plan import plan_from_store
from app.workflow.audit import record

log = logging.getLogger("candor.merge.jobs")

UPLOAD = "upload.csv"
STATUS = "job.json"
PLAN = "plan.json"
OUT = "out"


def merges_dir(export_dir: Path) -> Path:
    """Folder holding one sub-folder per merge job."""
    return Path(export_dir) / "merges"


def job_dir(export_dir: Path, job_id: str) -> Path:
    """Return a job's folder (job ids are generated hex tokens; anything else is refused)."""
    if not job_id.isalnum() or len(job_id) > 64:
        raise FileNotFoundError(job_id)
    return merges_dir(export_dir) / job_id


def read_status(folder: Path) -> dict[str, Any]:
    """Return a job's status dict (raises FileNotFoundError)."""
    return json.loads((folder / STATUS).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _write_status(folder: Path, status: dict[str, Any]) -> None:
    status["updated_at"] = time.time()
    write_atomic(folder / STATUS, json.dumps(status, indent=2).encode())


def cleanup(export_dir: Path, retention_days: int, *, now: float | None = None) -> list[str]:
    """Delete merge jobs not updated for ``retention_days`` days (running jobs are kept)."""
    root = merges_dir(export_dir)
    if not root.is_dir():
        return []
    limit = (now if now is not None else time.time()) - retention_days * 86400
    removed = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        try:
            status = read_status(folder)
            updated = float(status.get("updated_at", 0))
            running = status.get("status") == "running" and folder.name in _running
        except (OSError, ValueError):
            updated, running = folder.stat().st_mtime, False
        if updated < limit and not running:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    if removed:
        log.info("merge jobs: deleted %d past retention (%d days)", len(removed), retention_days)
    return removed


_running: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def _plan_to_json(plan: MergePlan) -> dict[str, Any]:
    return {
        "letters": {code: asdict(v) for code, v in plan.letters.items()},
        "default": asdict(plan.default) if plan.default else None,
        "refusals": {code: list(r) for code, r in plan.refusals.items()},
        "proofs": dict(plan.proofs),
    }


def _plan_from_json(data: dict[str, Any]) -> MergePlan:
    letters = {code: VariantLetter(**v) for code, v in data["letters"].items()}
    return MergePlan(
        letters,
        VariantLetter(**data["default"]) if data.get("default") else None,
        refusals={code: (r[0], r[1]) for code, r in (data.get("refusals") or {}).items()},
        proofs=data.get("proofs") or {},
    )


def create_job(
    export_dir: Path,
    *,
    plan: MergePlan,
    upload: Path,
    fmt: str,
    mode: str,
    owner: dict[str, Any],
    page_size: str = "Letter",
) -> str:
    """Register a job whose recipients file is already at ``upload`` (moved into the job folder)."""
    job_id = secrets.token_hex(12)
    folder = job_dir(export_dir, job_id)
    folder.mkdir(parents=True)
    os.replace(upload, folder / UPLOAD)
    write_atomic(folder / PLAN, json.dumps(_plan_to_json(plan)).encode())
    _write_status(
        folder,
        {
            "id": job_id,
            "status": "queued",
            "format": fmt,
            "mode": mode,
            "page_size": page_size,
            "created_at": time.time(),
            **owner,
            "done": 0,
            "rejected": 0,
            "total": None,
            "error": None,
            "summary": None,
        },
    )
    return job_id


def start(
    export_dir: Path, job_id: str, retention_days: int, *, stop_after: int | None = None
) -> None:
    """Run (or resume) the job in a background thread. ``stop_after``: test hook to interrupt."""
    cleanup(export_dir, retention_days)
    folder = job_dir(export_dir, job_id)
    with _lock:
        if job_id in _running and _running[job_id].is_alive():
            return
        thread = threading.Thread(
            target=_run, args=(folder, stop_after), name=f"merge-{job_id}", daemon=True
        )
        _running[job_id] = thread
        status = read_status(folder)
        status.update(status="running", error=None)
        _write_status(folder, status)
    thread.start()


def wait(job_id: str, timeout: float | None = None) -> None:
    """Wait for a job's thread (tests)."""
    thread = _running.get(job_id)
    if thread:
        thread.join(timeout)


def view(export_dir: Path, job_id: str) -> dict[str, Any]:
    """Return the job's status; running without a live thread (restarted) reads ``interrupted``."""
    folder = job_dir(export_dir, job_id)
    status = read_status(folder)
    thread = _running.get(job_id)
    if status["status"] == "running" and not (thread and thread.is_alive()):
        status["status"] = "interrupted"
    status["resumable"] = status["status"] == "interrupted" and (folder / UPLOAD).exists()
    return status


def _run(folder: Path, stop_after: int | None) -> None:
    status = read_status(folder)
    job_id = status["id"]
    upload = folder / UPLOAD
    last = [0.0]

    def progress(done: int, rejected: int, total: int | None) -> None:
        if stop_after is not None and done >= stop_after:
            raise MergeInterrupted(f"stopped after {done}")
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            status.update(done=done, rejected=rejected, total=total)
            _write_status(folder, status)

    try:
        plan = _plan_from_json(json.loads((folder / PLAN).read_text(encoding="utf-8")))
        try:
            total: int | None = count_rows(upload)
        except (UnicodeDecodeError, csv.Error):
            total = None  # the merge itself reports the unreadable row
        status["total"] = total
        _write_status(folder, status)
        result = run_merge(
            plan,
            upload,
            folder / OUT,
            fmt=status["format"],
            mode=status["mode"],
            page_size=status.get("page_size", "Letter"),
            progress=progress,
            progress_every=50,
            total=total,
        )
    except MergeInterrupted:
        status.update(status="interrupted")
        _write_status(folder, status)
        log.info("merge job %s: interrupted at %s letters", job_id, status.get("done"))
        return
    except MergeError as exc:
        status.update(status="failed", error=exc.message)
        _finish(folder, status)
        log.info("merge job %s: refused: %s", job_id, exc.message)
        return
    except Exception as exc:  # noqa: BLE001 - a job must record its failure, not die silently
        status.update(
            status="failed", error=f"internal error ({exc.__class__.__name__}); see the server log"
        )
        _finish(folder, status)
        log.exception("merge job %s: failed", job_id)
        return
    produced = sum(result.per_variant.values())
    rejected = sum(result.reject_reasons.values())
    status.update(
        status="complete",
        done=produced,
        rejected=rejected,
        summary=result.as_dict() | {"produced_total": produced, "rejected_total": rejected},
    )
    _finish(folder, status)
    log.info("merge job %s: complete; %d letters, %d rejected", job_id, produced, rejected)


def _finish(folder: Path, status: dict[str, Any]) -> None:
    """End a job (complete or failed): delete the recipients file (personal data)."""
    (folder / UPLOAD).unlink(missing_ok=True)
    _write_status(folder, status)


# ---- starting, listing and resuming jobs (shared by the API and the browser pages) ------------

HEADER_BYTES = 64 * 1024
"""How much of an upload is read to check its header line before a job is created."""


def check_header(path: Path, name: str = "recipients file") -> None:
    """Refuse (:class:`MergeError`) an upload that is not a UTF-8 CSV with the required columns.

    The same rules as the engine's header check (``run_merge``), run before the job exists so the
    caller can answer at once; only the first line is read.
    """
    with open(path, "rb") as fh:
        head = fh.read(HEADER_BYTES)
    if not head.strip():
        raise MergeError(
            f"{name} is empty: upload a CSV with a header line and one row per recipient"
        )
    line, newline, _ = head.partition(b"\n")
    if not newline and len(head) >= HEADER_BYTES:
        raise MergeError(
            f"{name} is not a CSV file (no header line in its first {HEADER_BYTES // 1024} KiB)"
        )
    try:
        text = line.decode("utf-8-sig")
        header = next(csv.reader([text.rstrip("\r")]), [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise MergeError(f"{name} is not a UTF-8 CSV file ({exc.__class__.__name__})") from None
    if "\x00" in text:
        raise MergeError(f"{name} is not a UTF-8 CSV file (it holds binary data)")
    header = [h.strip() for h in header]
    check_columns(name, header)


def copy_utf8(source: BinaryIO, target: Path, name: str) -> None:
    """Stream an upload to `target`, refusing (:class:`MergeError`, naming the line) any byte that
    is not UTF-8 or is NUL — a Latin-1 export from a spreadsheet fails here, before a job exists,
    instead of half-way through the merge."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with open(target, "wb") as fh:
        while True:
            chunk = source.read(1 << 20)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line = lines + chunk[: max(exc.start, 0)].count(b"\n")
                raise MergeError(
                    f"{name} is not a UTF-8 CSV file (line {line} is not UTF-8 text); "
                    "save it as CSV UTF-8 and upload it again"
                ) from None
            if "\x00" in text:
                line = lines + text[: text.index("\x00")].count("\n")
                raise MergeError(
                    f"{name} is not a UTF-8 CSV file (it holds binary data: a NUL byte on line {line})"
                )
            lines += text.count("\n")
            if not chunk:
                return
            fh.write(chunk)


def start_merge(
    session: Any,
    export_dir: Path,
    *,
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
) -> str:
    """Start a merge of the incident's approved letters over an uploaded recipients file.

    ``ctx``: the workflow context (rulebook, settings) the per-recipient proof runs with.
    Builds the plan from the store (stale letters, changed facts and uncovered residences refuse
    it; each residence's letter is proved for that residence's laws), streams ``recipients`` to disk (never whole in memory), checks
    its header, registers the job, records ``merge_start`` in the audit chain and starts the
    thread. Returns the job id. Raises :class:`MergeError` (nothing approved, not a CSV, missing
    columns, bad format/mode) before any job exists; the upload is then deleted.
    """
    if fmt not in FORMATS:
        raise MergeError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if mode not in MODES:
        raise MergeError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    export_dir = Path(export_dir)
    cleanup(export_dir, retention_days)
    plan = plan_from_store(session, incident_id, ctx=ctx, tone=tone or None, letterhead=letterhead)
    staging = merges_dir(export_dir)
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f".upload-{secrets.token_hex(8)}.csv"
    try:
        name = Path(filename).name if filename else "recipients file"
        copy_utf8(recipients, tmp, name)
        check_header(tmp, name)
        job_id = create_job(
            export_dir,
            plan=plan,
            upload=tmp,
            fmt=fmt,
            mode=mode,
            page_size=page_size,
            owner={"incident_id": incident_id, "created_by": user.email},
        )
    finally:
        tmp.unlink(missing_ok=True)
    _audit_start(
        session, user, incident_id, job_id, fmt, mode, sorted(plan.variants()), plan.refusals
    )
    start(export_dir, job_id, retention_days)
    return job_id


def _audit_start(
    session: Any,
    user: Any,
    incident_id: int,
    job_id: str,
    fmt: str,
    mode: str,
    variants: list[str],
    refusals: Any = None,
) -> None:
    """Record the merge start in the audit chain (counts and ids only, never recipient data),
    with the residences whose letter failed its per-recipient proof."""
    audit_job(
        session,
        user,
        "merge_start",
        incident_id,
        {
            "job": job_id,
            "format": fmt,
            "mode": mode,
            "variants": variants,
            "refused_residences": {code: r[0] for code, r in sorted((refusals or {}).items())},
        },
    )


def audit_job(
    session: Any, user: Any, action: str, incident_id: int | None, details: dict[str, Any]
) -> None:
    """Record a merge action (start, resume, a file downloaded) on its incident; ids only. Commits."""
    record(session, user, action, "incident", incident_id, None, details)
    session.commit()


def list_jobs(
    export_dir: Path, retention_days: int, *, incident_id: int | None = None
) -> list[dict[str, Any]]:
    """Jobs still within retention (optionally one incident's), newest first."""
    export_dir = Path(export_dir)
    cleanup(export_dir, retention_days)
    root = merges_dir(export_dir)
    out = []
    for folder in root.iterdir() if root.is_dir() else []:
        if folder.is_dir():
            try:
                status = view(export_dir, folder.name)
            except (OSError, ValueError):
                continue
            if incident_id is None or status.get("incident_id") == incident_id:
                out.append(status)
    return sorted(out, key=lambda s: -float(s.get("created_at", 0)))


def resume(
    export_dir: Path, job_id: str, retention_days: int, *, session: Any, user: Any
) -> dict[str, Any]:
    """Resume an interrupted job (audited); :class:`Conflict` for any other state. Returns its status.

    Raises FileNotFoundError / ValueError for an unknown job (as :func:`view`).
    """
    status = view(export_dir, job_id)
    if not status.get("resumable"):
        raise Conflict(
            f"Merge job {job_id} is {status['status']}; only an interrupted job can be resumed."
        )
    audit_job(session, user, "merge_resume", status.get("incident_id"), {"job": job_id})
    start(Path(export_dir), job_id, retention_days)
    return view(export_dir, job_id)
