"""A merge job's manifest and rejects written chunk by chunk, so the finish only joins files.

Why: the finish (binding, manifest, rejects) runs once, on one worker, after every chunk; while
it runs the other workers are idle. It used to read every recipient's row from the database and
write it as CSV — a fifth of a text merge's CPU, all of it serial, which capped what a second
worker could gain. Now each chunk, in parallel, writes its own part of the outputs from its rows
in the database before it marks itself done, and the finish concatenates the parts in chunk
order (per-variant text adds each letter's number in its bound file, one CSV read and write per
row). The rows are read back from the database after the chunk's last insert, so the part holds
every line of the chunk whichever attempt recorded it, and it is written under a temporary
name and renamed: a done chunk's parts are complete. A job whose chunks have no parts (started
before this) is finished from the database as before (:func:`have_parts`).

Layout under the job folder: ``parts/rejects/<chunk>.csv``, and ``parts/manifest/<chunk>.csv``
(per-recipient mode) or ``parts/variants/<variant>/<chunk>.csv`` (per-variant text, without the
``first_page`` and ``pages`` columns). Cells are escaped as in every CSV Candor writes.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.export.csvcells import SafeWriter
from app.export.merge import MANIFEST_COLUMNS, REJECT_COLUMNS, MergeError
from app.export.merge.letterfiles import SEPARATOR, letters_in
from app.store.merge_models import MergeRecipient

PARTS = "parts"


def _name(number: int) -> str:
    return f"{number:06d}.csv"


def _write(path: Path, rows: Iterable[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = SafeWriter(fh)
        for row in rows:
            w.writerow(row)
    os.replace(tmp, path)


def write_parts(
    s: Session, job_id: str, number: int, lines: tuple[int, int], parts: Path, bound_text: bool
) -> None:
    """Write chunk ``number``'s parts from its rows (``bound_text``: per-variant text mode)."""
    r = MergeRecipient
    rows = s.execute(
        select(r.recipient_id, r.line, r.outcome, r.residence, r.variant, r.file, r.pages)
        .where(r.job_id == job_id, r.line.between(*lines))
        .order_by(r.line)
    ).all()
    produced = [x for x in rows if x.outcome == "produced"]
    if bound_text:
        by_variant: dict[str, list[list[Any]]] = {}
        for x in produced:
            by_variant.setdefault(x.variant, []).append(
                [x.recipient_id, x.line, x.residence, x.variant, f"{x.variant}.txt"]
            )
        for vid, vrows in by_variant.items():
            _write(parts / "variants" / vid / _name(number), vrows)
    else:
        _write(
            parts / "manifest" / _name(number),
            (
                [x.recipient_id, x.line, x.residence, x.variant, x.file]
                + [1 if x.pages else "", x.pages or ""]
                for x in produced
            ),
        )
    rejected = s.execute(
        select(r.recipient_id, r.line, r.reason_code, r.reason)
        .where(r.job_id == job_id, r.line.between(*lines), r.outcome == "rejected")
        .order_by(r.line)
    ).all()
    _write(parts / "rejects" / _name(number), ([*x] for x in rejected))  # written last


def have_parts(parts: Path, numbers: Iterable[int]) -> bool:
    """Whether every chunk wrote its parts (the rejects part is each chunk's last)."""
    return all((parts / "rejects" / _name(n)).is_file() for n in numbers)


def _join(target: Path, header: list[str], files: Iterator[Path]) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as out:
        SafeWriter(out).writerow(header)
        for path in files:
            with open(path, encoding="utf-8", newline="") as part:
                shutil.copyfileobj(part, out)
    os.replace(tmp, target)


def join_rejects(out: Path, parts: Path, numbers: list[int]) -> None:
    """``rejects.csv``: the chunks' rejects in input order."""
    _join(out / "rejects.csv", REJECT_COLUMNS, (parts / "rejects" / _name(n) for n in numbers))


def join_manifest(out: Path, parts: Path, numbers: list[int]) -> None:
    """``manifest.csv`` of a per-recipient merge: the chunks' rows in input order."""
    files = (parts / "manifest" / _name(n) for n in numbers)
    _join(out / "manifest.csv", MANIFEST_COLUMNS, (p for p in files if p.is_file()))


def bind_parts(out: Path, work: Path, parts: Path, numbers: list[int]) -> int:
    """Per-variant text: ``<variant>.txt`` from the chunk files of each variant, and
    ``manifest.csv`` (by variant, then input order; ``first_page`` is the letter's number in its
    file). Returns the number of files bound. A chunk file holding another number of letters
    than its part names fails the job rather than mis-number the manifest."""
    variants = (
        sorted(p.name for p in (parts / "variants").iterdir())
        if (parts / "variants").is_dir()
        else []
    )
    tmp_manifest = out / ".manifest.csv.tmp"
    with open(tmp_manifest, "w", newline="", encoding="utf-8") as mfh:
        SafeWriter(mfh).writerow(MANIFEST_COLUMNS)
        writer = csv.writer(mfh)  # part cells are escaped already
        for vid in variants:
            target = out / f"{vid}.txt"
            tmp = out / f".{vid}.txt.tmp"
            index = 0
            with open(tmp, "wb") as tfh:
                for n in numbers:
                    part = parts / "variants" / vid / _name(n)
                    if not part.is_file():
                        continue
                    rel = f"letters/{vid}/{n:06d}.txt"
                    data = (work / rel).read_bytes()
                    with open(part, encoding="utf-8", newline="") as fh:
                        rows = list(csv.reader(fh))
                    if letters_in(data) != len(rows):
                        raise MergeError(
                            f"{rel} holds {letters_in(data)} letters, the records name "
                            f"{len(rows)}: the merge's work files are damaged; start the merge "
                            "again"
                        )
                    if index:
                        tfh.write(SEPARATOR)
                    tfh.write(data)
                    for row in rows:
                        index += 1
                        writer.writerow([*row, index, ""])
            os.replace(tmp, target)
    os.replace(tmp_manifest, out / "manifest.csv")
    return len(variants)
