"""Sharding a merge: the recipients file cut into chunk files, and one chunk's rows made into letters.

Why chunk files: any worker on any machine takes any chunk, so a chunk must be readable on its own
(the export folder is shared storage). Cutting is one streamed pass that also finds duplicate
recipient ids (in a small on-disk SQLite set, as the single-process engine does), so which line of
a duplicated id wins does not depend on which worker runs first: the first line wins, as before.
A chunk file holds the original columns plus ``__line__`` (the input line) and ``__dup__`` (the
earlier line of a duplicate id, else empty).

:func:`letters_of_chunk` turns a chunk's rows into records — one per input line, a produced letter
(file named by recipient id and written by app.export.merge.letterfiles before its record
exists, so redoing it rewrites the same file whole) or a reject
with its reason — skipping the lines an earlier attempt already recorded. The caller stores the
records under the database's unique constraints.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Container, Iterator, Mapping
from pathlib import Path
from typing import Any

from app.export.csvcells import SafeWriter
from app.export.merge.letterfiles import ChunkLetterFiles, LetterFiles
from app.export.merge.plan import MergeError, MergePlan
from app.export.merge.rows import Filler, Reject, check_columns, classify
from app.export.merge.state import SeenIds, safe_name

LINE = "__line__"
DUP = "__dup__"


def chunk_file(chunks_dir: Path, number: int) -> Path:
    """The file of chunk ``number``."""
    return Path(chunks_dir) / f"{number:06d}.csv"


def cut_upload(src: Path, chunks_dir: Path, size: int) -> Iterator[tuple[int, int, int]]:
    """Cut ``src`` into chunk files of ``size`` rows; yield (number, first line, rows) as soon as
    each chunk file is complete, so its task can start while the rest is being cut.

    Each chunk file is written under a temporary name and renamed: a cut redone after a crash
    rewrites the same content, and a worker reading a chunk meanwhile reads a whole file.
    Raises :class:`MergeError` for a file that is not a UTF-8 CSV or lacks a required column.
    """
    chunks_dir.mkdir(parents=True, exist_ok=True)
    seen = SeenIds(chunks_dir / "ids.sqlite")
    tmp = chunks_dir / f".cut.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    out: Any = None
    try:
        with open(src, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            try:
                header = [h.strip() for h in next(reader, [])]
            except (UnicodeDecodeError, csv.Error) as exc:
                raise MergeError(
                    f"{src.name}: not a UTF-8 CSV file ({exc.__class__.__name__})"
                ) from None
            check_columns(src.name, header)
            id_at = header.index("recipient_id")
            number, first, count, rows = 0, 0, 0, 0
            try:
                for line, values in enumerate(reader, start=2):
                    if out is None:
                        out = open(tmp, "w", newline="", encoding="utf-8")
                        writer = csv.writer(out)
                        writer.writerow([LINE, DUP, *header])
                        first, count = line, 0
                    rid = values[id_at].strip() if id_at < len(values) else ""
                    earlier = seen.claim(rid, line) if rid else None
                    writer.writerow([line, earlier or "", *values])
                    count += 1
                    rows += 1
                    if count == size:
                        out.close()
                        out = None
                        os.replace(tmp, chunk_file(chunks_dir, number))
                        yield number, first, count
                        number += 1
            except (UnicodeDecodeError, csv.Error) as exc:
                raise MergeError(
                    f"{src.name}: unreadable after row {rows} ({exc.__class__.__name__}); "
                    "save it as UTF-8 CSV and upload it again"
                ) from None
            if out is not None:
                out.close()
                out = None
                os.replace(tmp, chunk_file(chunks_dir, number))
                yield number, first, count
    finally:
        if out is not None:
            out.close()
        tmp.unlink(missing_ok=True)
        seen.close()
        (chunks_dir / "ids.sqlite").unlink(missing_ok=True)


def read_chunk(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a chunk file (original columns plus ``__line__`` and ``__dup__``)."""
    with open(path, newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def letters_of_chunk(
    rows: Iterator[Mapping[str, str]],
    plan: MergePlan,
    fillers: Mapping[str, Filler],
    output: Any,
    root: str,
    skip: Container[int],
    batch: int = 100,
    chunk: int | None = None,
    written: dict[str, tuple[int, int]] | None = None,
) -> Iterator[dict[str, Any]]:
    """One record per row not in ``skip``: the letter written under ``root`` or the reject.

    ``output`` (app.export.merge.outputs) refuses rows it cannot serve and renders batches.
    With ``chunk`` (its number: per-variant text merges) the letters go into one file per variant
    for the whole chunk (:class:`ChunkLetterFiles`), so the lines in ``skip`` are rendered too
    (not recorded again) and the files are renamed into place once the last row is written;
    ``written`` then receives each variant's (letters, bytes) in its file.
    """
    pending: list[tuple[dict[str, Any] | None, str, Any]] = []
    files: LetterFiles | ChunkLetterFiles = (
        LetterFiles(root) if chunk is None else ChunkLetterFiles(root, chunk)
    )

    def flush() -> Iterator[dict[str, Any]]:
        rendered = output.render([item for _, _, item in pending])
        for (rec, rid, (filler, *_)), (data, pages) in zip(pending, rendered, strict=True):
            vid = filler.letter.variant_id
            if isinstance(files, ChunkLetterFiles):
                rel = files.write(f"letters/{vid}", data)
            else:
                rel = f"letters/{vid}/{safe_name(rid)}.{output.ext}"
                files.write(rel, data)
            if rec is not None:
                yield rec | {"variant": vid, "file": rel, "pages": pages}
        pending.clear()

    try:
        for row in rows:
            line = int(row[LINE])
            done_before = line in skip
            if done_before and chunk is None:
                continue
            rid = (row.get("recipient_id") or "").strip()
            rec: dict[str, Any] = {"line": line, "recipient_id": rid}
            try:
                if not rid:
                    raise Reject("missing_id", "no recipient_id")
                if row.get(DUP):
                    raise Reject("duplicate_id", f"recipient_id already used on line {row[DUP]}")
                residence, filler, name, address, code = classify(row, plan, fillers)
                output.check(row)
            except Reject as rej:
                if not done_before:
                    yield rec | {
                        "outcome": "rejected",
                        "reason_code": rej.code,
                        "reason": rej.reason,
                    }
                continue
            rec |= {"outcome": "produced", "recipient_key": rid, "residence": residence}
            item = (filler, name, address, code, row)
            pending.append((None if done_before else rec, rid, item))
            if len(pending) >= batch:
                yield from flush()
        if pending:
            yield from flush()
        if isinstance(files, ChunkLetterFiles):
            files.commit()
            if written is not None:
                written.update({f.rsplit("/", 1)[-1]: n for f, n in files.written.items()})
    finally:
        files.close()


def write_rows(path: Path, columns: list[str], rows: Iterator[list[Any]]) -> int:
    """Write a CSV (formula-safe cells) atomically; return the number of data rows."""
    tmp = path.with_name(f".{path.name}.tmp")
    n = 0
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = SafeWriter(fh)
        w.writerow(columns)
        for row in rows:
            w.writerow(row)
            n += 1
    os.replace(tmp, path)
    return n
