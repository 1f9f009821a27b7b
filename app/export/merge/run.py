"""Mail merge: one letter per recipient, in the letter variant of the recipient's jurisdiction.

See the package docstring (app/export/merge/__init__.py) for inputs, outputs and refusals.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
import time
from pathlib import Path

from app.export.merge.bind import bind_variants
from app.export.merge.plan import FORMATS, MODES, Format, MergeError, MergePlan, Mode, check_plan
from app.export.merge.rows import (
    Filler,
    Reject,
    check_columns,
    classify,
    renderer,
)
from app.export.merge.state import (
    MANIFEST_COLUMNS,
    REJECT_COLUMNS,
    STATE_DB,
    WORK_DIR,
    CsvLog,
    MergeResult,
    Progress,
    SeenIds,
    check_meta,
    completed_result,
    read_csv,
    repair_tail,
    safe_name,
    write_atomic,
)

log = logging.getLogger("candor.merge")


def count_rows(csv_path: Path) -> int:
    """Count the data rows of a CSV (streamed; used for progress totals)."""
    with open(csv_path, newline="", encoding="utf-8-sig") as fh:
        return max(0, sum(1 for _ in csv.reader(fh)) - 1)


def run_merge(
    plan: MergePlan,
    recipients_csv: Path | str,
    out_dir: Path | str,
    *,
    fmt: Format = "text",
    mode: Mode = "per-recipient",
    page_size: str = "Letter",
    progress: Progress | None = None,
    progress_every: int = 100,
    total: int | None = None,
    letters_per_part: int = 500,
) -> MergeResult:
    """Produce one letter per good row of ``recipients_csv`` into ``out_dir`` (see module doc).

    Resumable: run it again with the same arguments after an interruption and it continues where
    it stopped, without producing any letter twice. Raises :class:`MergeError` before producing
    anything when the plan or the CSV header is unusable.
    """
    if fmt not in FORMATS:
        raise MergeError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if mode not in MODES:
        raise MergeError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    variants = check_plan(plan)
    fillers = {vid: Filler(letter) for vid, letter in variants.items()}
    src = Path(recipients_csv)
    out = Path(out_dir)
    try:
        fh = open(src, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise MergeError(
            f"{src.name}: cannot read recipients file: {exc.__class__.__name__}"
        ) from None
    started = time.perf_counter()
    with fh:
        reader = csv.DictReader(fh)
        try:
            header = [h.strip() for h in (reader.fieldnames or [])]
        except (UnicodeDecodeError, csv.Error) as exc:
            kind = exc.__class__.__name__
            raise MergeError(f"{src.name}: not a UTF-8 CSV file ({kind})") from None
        reader.fieldnames = header
        check_columns(src.name, header)
        out.mkdir(parents=True, exist_ok=True)
        meta = check_meta(out, fmt, mode, variants)
        done = completed_result(out)
        if done is not None:
            log.info("merge: already complete; nothing to do")
            return done
        work = out / WORK_DIR if mode == "per-variant" else out
        work.mkdir(exist_ok=True)
        letters_root = work / "letters"
        folders: set[str] = set()  # made on a variant's first letter: no empty folders
        manifest_path = work / "manifest.csv"
        rejects_path = out / "rejects.csv"
        for p in (manifest_path, rejects_path):
            repair_tail(p)
        seen = SeenIds(work / STATE_DB)
        result = MergeResult(out_dir=out)
        result.resumed = seen.load(read_csv(manifest_path)) + seen.load(read_csv(rejects_path))
        for row in read_csv(manifest_path):
            result.per_variant[row["variant"]] += 1
        for row in read_csv(rejects_path):
            result.reject_reasons[row["reason_code"]] += 1
        prior_done, prior_rej = (
            sum(result.per_variant.values()),
            sum(result.reject_reasons.values()),
        )
        if result.resumed:
            log.info("merge: resuming; %d rows already handled", result.resumed)
        resuming = result.resumed > 0
        render = renderer(fmt, page_size)
        ext = "txt" if fmt == "text" else "pdf"
        work_s = os.fspath(work)
        manifest = CsvLog(manifest_path, MANIFEST_COLUMNS)
        rejects = CsvLog(rejects_path, REJECT_COLUMNS)
        try:
            for line, row in enumerate(reader, start=2):
                if resuming and seen.line_done(line):
                    continue
                rid = (row.get("recipient_id") or "").strip()
                try:
                    if not rid:
                        raise Reject("missing_id", "no recipient_id")
                    earlier = seen.claim(rid, line)
                    if earlier is not None:
                        raise Reject("duplicate_id", f"recipient_id already used on line {earlier}")
                    residence, filler, name, address, code = classify(row, plan, fillers)
                except Reject as rej:
                    rejects.write([rid, line, rej.code, rej.reason])
                    result.rejected += 1
                    result.reject_reasons[rej.code] += 1
                else:
                    doc = filler.document(name, address, code)
                    data, pages = render(doc)
                    rel = f"letters/{filler.letter.variant_id}/{safe_name(rid)}.{ext}"
                    if filler.letter.variant_id not in folders:
                        (letters_root / filler.letter.variant_id).mkdir(parents=True, exist_ok=True)
                        folders.add(filler.letter.variant_id)
                    write_atomic(os.path.join(work_s, rel), data)
                    manifest.write(
                        [
                            rid,
                            line,
                            residence,
                            filler.letter.variant_id,
                            rel,
                            1 if pages else "",
                            pages or "",
                        ]
                    )
                    result.produced += 1
                    result.per_variant[filler.letter.variant_id] += 1
                if progress and (result.produced + result.rejected) % progress_every == 0:
                    progress(prior_done + result.produced, prior_rej + result.rejected, total)
        except (UnicodeDecodeError, csv.Error) as exc:
            rows = result.produced + result.rejected + result.resumed
            raise MergeError(
                f"{src.name}: unreadable after row {rows} ({exc.__class__.__name__}); "
                "save it as UTF-8 CSV and run again to resume"
            ) from None
        finally:
            manifest.close()
            rejects.close()
            seen.close()
        if mode == "per-variant":
            result.files = bind_variants(out, work, variants, fmt, letters_per_part)
            shutil.rmtree(work)
        else:
            result.files = sum(result.per_variant.values())
            (work / STATE_DB).unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    if progress:
        progress(prior_done + result.produced, prior_rej + result.rejected, total)
    summary = {
        **meta,
        "status": "complete",
        **result.as_dict(),
        "produced_total": sum(result.per_variant.values()),
        "rejected_total": sum(result.reject_reasons.values()),
        "proofs": dict(sorted(plan.proofs.items())),
    }
    write_atomic(out / "summary.json", json.dumps(summary, indent=2).encode())
    log.info(
        "merge: done; produced %d, rejected %d, skipped %d already done, %.1fs",
        result.produced,
        result.rejected,
        result.resumed,
        result.seconds,
    )
    return result
