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
import errno
import io
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.export.csvcells import SafeWriter
from app.export.merge import MANIFEST_COLUMNS, REJECT_COLUMNS, MergeError
from app.export.merge.letterfiles import SEPARATOR, letters_in, write_all
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


def _check_written(number: int, vid: str, letters: int, rows: int) -> None:
    if letters != rows:
        raise MergeError(
            f"letters/{vid}/{number:06d}.txt holds {letters} letters, the records name {rows}: "
            "the merge's work files are damaged; start the merge again"
        )


def write_parts(
    s: Session,
    job_id: str,
    number: int,
    lines: tuple[int, int],
    parts: Path,
    written: dict[str, tuple[int, int]] | None,
    records: list[dict[str, Any]] | None = None,
) -> None:
    """Write chunk ``number``'s parts from its rows. ``written`` (per-variant text mode): each
    variant's (letters, bytes) in the chunk file just committed — the letters must be the rows
    the database holds for it (checked here, in parallel, rather than by re-reading every file
    in the serial finish), and the size goes first in the part so the binding can check the
    file it copies without reading it. ``records``: the chunk's rows as this attempt inserted
    them, when they are known to be all of them (app.export.merge_records.ChunkRecords.copied),
    so they need not be read back."""
    r = MergeRecipient
    if records is None:
        rows: list[Any] = list(
            s.execute(
                select(r.recipient_id, r.line, r.outcome, r.residence, r.variant, r.file, r.pages)
                .where(r.job_id == job_id, r.line.between(*lines))
                .order_by(r.line)
            ).all()
        )
    else:
        rows = [SimpleNamespace(**rec) for rec in sorted(records, key=lambda rec: rec["line"])]
    produced = [x for x in rows if x.outcome == "produced"]
    if written is not None:
        by_variant: dict[str, list[list[Any]]] = {}
        for x in produced:
            by_variant.setdefault(x.variant, []).append(
                [x.recipient_id, x.line, x.residence, x.variant, f"{x.variant}.txt"]
            )
        line = io.StringIO()
        encode = SafeWriter(line)
        for vid in sorted({*by_variant, *written}):
            letters, size = written.get(vid, (0, 0))
            vrows = by_variant.get(vid, [])
            _check_written(number, vid, letters, len(vrows))
            encoded = []
            for row in vrows:  # each manifest row as CSV text, without its last two cells
                line.seek(0)
                line.truncate()
                encode.writerow(row)
                encoded.append(line.getvalue()[:-2])
            data = {"bytes": size, "letters": letters, "rows": encoded}
            path = parts / "variants" / vid / f"{number:06d}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
            tmp.write_bytes(json.dumps(data).encode())
            os.replace(tmp, path)
    else:
        _write(
            parts / "manifest" / _name(number),
            (
                [x.recipient_id, x.line, x.residence, x.variant, x.file]
                + [1 if x.pages else "", x.pages or ""]
                for x in produced
            ),
        )
    if records is None:
        rejected = s.execute(
            select(r.recipient_id, r.line, r.reason_code, r.reason)
            .where(r.job_id == job_id, r.line.between(*lines), r.outcome == "rejected")
            .order_by(r.line)
        ).all()
    else:
        rejected = [
            (x.recipient_id, x.line, x.reason_code, x.reason)
            for x in rows
            if x.outcome == "rejected"
        ]
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


def _copy_into(target_fd: int, path: str, size: int) -> None:
    """Append the file at ``path`` (``size`` bytes) to ``target_fd`` by the kernel (sendfile):
    the letters never pass through this process."""
    with open(path, "rb") as src:
        offset = 0
        while offset < size:
            try:
                sent = os.sendfile(target_fd, src.fileno(), offset, size - offset)
            except OSError as exc:  # a file system without sendfile between files
                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                    raise
                src.seek(offset)
                write_all(target_fd, src.read(size - offset))
                return
            if sent == 0:
                raise MergeError(
                    f"{os.path.basename(path)}: shorter than its recorded {size} bytes"
                )
            offset += sent


def _damaged(rel: str, holds: str, rows: int) -> MergeError:
    return MergeError(
        f"{rel} holds {holds}, the records name {rows}: the merge's work files are damaged; "
        "start the merge again"
    )


def _variant_part(parts: str, work: str, vid: str, n: int) -> tuple[list[str], int] | None:
    """Chunk ``n``'s manifest rows of ``vid`` (CSV text without the last two cells) and its
    chunk file's size, checked; None when the chunk has no letter of ``vid``."""
    rel = f"letters/{vid}/{n:06d}.txt"
    path = os.path.join(work, rel)
    try:
        with open(os.path.join(parts, "variants", vid, f"{n:06d}.json"), "rb") as fh:
            part = json.load(fh)
    except FileNotFoundError:
        return _legacy_part(parts, work, vid, n)
    rows = part["rows"]
    found = os.stat(path).st_size
    if found != part["bytes"]:
        raise _damaged(rel, f"{found} bytes ({part['bytes']} written)", len(rows))
    if part["letters"] != len(rows):
        raise _damaged(rel, f"{part['letters']} letters", len(rows))
    return rows, found


def _legacy_part(parts: str, work: str, vid: str, n: int) -> tuple[list[str], int] | None:
    """A part written as CSV before chunks recorded their files: the letters counted in the file."""
    csv_part = os.path.join(parts, "variants", vid, _name(n))
    if not os.path.isfile(csv_part):
        return None
    rel = f"letters/{vid}/{n:06d}.txt"
    data = Path(work, rel).read_bytes()
    with open(csv_part, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if letters_in(data) != len(rows):
        raise _damaged(rel, f"{letters_in(data)} letters", len(rows))
    line = io.StringIO()
    writer = csv.writer(line)  # part cells are escaped already
    encoded = []
    for row in rows:
        line.seek(0)
        line.truncate()
        writer.writerow(row)
        encoded.append(line.getvalue()[:-2])
    return encoded, len(data)


def bind_parts(out: Path, work: Path, parts: Path, numbers: list[int]) -> int:
    """Per-variant text: ``<variant>.txt`` from the chunk files of each variant, and
    ``manifest.csv`` (by variant, then input order; ``first_page`` is the letter's number in its
    file). Returns the number of files bound.

    The one step of a merge no second worker can share, so it does as little as it can: each
    chunk file is copied by the kernel (``os.sendfile``) after a check of the size its chunk
    recorded in its part (the chunk compared its letters with the database rows when it wrote
    them), and the manifest is the parts' rows — CSV text already — with each letter's number
    appended, no CSV parsed or written per row. A part from before that record (a CSV file) has
    its chunk file read and its letters counted. A chunk file that does not match fails the job
    rather than mis-number the manifest."""
    parts_s, work_s = os.fspath(parts), os.fspath(work)
    variants = (
        sorted(p.name for p in (parts / "variants").iterdir())
        if (parts / "variants").is_dir()
        else []
    )
    tmp_manifest = out / ".manifest.csv.tmp"
    with open(tmp_manifest, "w", newline="", encoding="utf-8") as mfh:
        SafeWriter(mfh).writerow(MANIFEST_COLUMNS)
        for vid in variants:
            target = out / f"{vid}.txt"
            tmp = out / f".{vid}.txt.tmp"
            index = 0
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                for n in numbers:
                    found = _variant_part(parts_s, work_s, vid, n)
                    if found is None or not found[0]:
                        continue
                    rows, size = found
                    if index:
                        write_all(fd, SEPARATOR)
                    _copy_into(fd, os.path.join(work_s, f"letters/{vid}/{n:06d}.txt"), size)
                    mfh.write("".join(f"{r},{i},\r\n" for i, r in enumerate(rows, index + 1)))
                    index += len(rows)
            finally:
                os.close(fd)
            os.replace(tmp, target)
    os.replace(tmp_manifest, out / "manifest.csv")
    return len(variants)
