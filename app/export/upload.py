"""Checks of an uploaded recipients file before a merge job exists: UTF-8, no NUL, the header line.

A Latin-1 export from a spreadsheet or a file without the required columns is refused here, at
upload, with the line to fix — not half-way through a merge of a million rows.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import BinaryIO

from app.export.merge import MergeError, check_columns

HEADER_BYTES = 64 * 1024
"""How much of an upload is read to check its header line before a job is created."""


def check_header(path: Path, name: str = "recipients file", extra: tuple[str, ...] = ()) -> None:
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
    missing = [c for c in extra if c not in header]
    if missing:
        raise MergeError(f"{name}: missing columns: {', '.join(missing)}")


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
