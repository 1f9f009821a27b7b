"""What a merge run keeps on disk: atomic files, the append-only manifest and rejects logs, the
recipient ids already seen, the run's parameters and its completed summary (what makes a run resumable)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.export.csvcells import SafeWriter, read_cell
from app.export.merge.plan import MergeError, VariantLetter

MANIFEST_COLUMNS = ["recipient_id", "line", "residence", "variant", "file", "first_page", "pages"]
REJECT_COLUMNS = ["recipient_id", "line", "reason_code", "reason"]

WORK_DIR = "_work"
STATE_DB = "merge-state.sqlite"


@dataclass
class MergeResult:
    """Counts of one run (``resumed``: rows skipped because an earlier run already did them)."""

    produced: int = 0
    rejected: int = 0
    resumed: int = 0
    per_variant: Counter[str] = field(default_factory=Counter)
    reject_reasons: Counter[str] = field(default_factory=Counter)
    files: int = 0
    seconds: float = 0.0
    out_dir: Path = Path()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (counts only: no personal data)."""
        return {
            "produced": self.produced,
            "rejected": self.rejected,
            "resumed": self.resumed,
            "per_variant": dict(sorted(self.per_variant.items())),
            "reject_reasons": dict(sorted(self.reject_reasons.items())),
            "files": self.files,
            "seconds": round(self.seconds, 3),
        }


Progress = Callable[[int, int, int | None], None]
"""``progress(done, rejected, total)``; ``total`` is None when unknown. May raise to stop."""


def safe_name(recipient_id: str) -> str:
    """Return a file name for a recipient id: the id when safe, else a cleaned id plus a hash."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", recipient_id) and ".." not in recipient_id:
        return recipient_id
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", recipient_id)[:60].strip("._") or "r"
    return f"{cleaned}-{hashlib.sha256(recipient_id.encode()).hexdigest()[:12]}"


def write_atomic(path: Path | str, data: bytes) -> None:
    """Write a file so that it either exists complete or not at all.

    Plain ``os.path`` strings: pathlib interns every path part (``sys.intern``), which in a loop
    over a million file names grows the interpreter's intern table.
    """
    path = os.fspath(path)
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def repair_tail(path: Path) -> None:
    """Cut a half-written last line (the run died mid-write) so the CSV stays well formed."""
    if not path.exists():
        return
    size = path.stat().st_size
    if size == 0:
        return
    with open(path, "rb+") as fh:
        fh.seek(max(0, size - 65536))
        tail = fh.read()
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        fh.truncate(size - len(tail) + cut + 1 if cut >= 0 else 0)


class CsvLog:
    """An append-only CSV (header once), flushed after every row."""

    def __init__(self, path: Path, columns: list[str]):
        repair_tail(path)
        new = not path.exists() or path.stat().st_size == 0
        self.fh = open(path, "a", newline="", encoding="utf-8")
        self.writer = SafeWriter(self.fh)  # recipient ids and reasons come from the uploaded file
        if new:
            self.writer.writerow(columns)
            self.fh.flush()

    def write(self, row: list[Any]) -> None:
        """Append one row and flush it."""
        self.writer.writerow(row)
        self.fh.flush()

    def close(self) -> None:
        """Close the file."""
        self.fh.close()


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV log written by CsvLog (nothing when it does not exist yet)."""
    if not path.exists():
        return
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield {k: read_cell(v) if isinstance(v, str) else v for k, v in row.items()}


class SeenIds:
    """Recipient ids and input lines already handled, on disk (flat memory for any list size)."""

    def __init__(self, path: Path):
        if path.exists():
            path.unlink()  # rebuilt from the manifest and rejects: those are the truth
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-2048")  # 2 MiB page cache at most
        self.db.execute("CREATE TABLE ids (id TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")
        self.db.execute("CREATE TABLE done_lines (line INTEGER PRIMARY KEY)")
        self.db.execute("BEGIN")
        self.pending = 0

    def load(self, rows: Iterator[dict[str, str]]) -> int:
        """Record the lines and ids of earlier runs (manifest or rejects rows); return how many."""
        n = 0
        for row in rows:
            line = int(row["line"])
            self.db.execute("INSERT OR IGNORE INTO done_lines VALUES (?)", (line,))
            if row.get("recipient_id") and row.get("reason_code") not in (
                "missing_id",
                "duplicate_id",
            ):
                self.db.execute(
                    "INSERT OR IGNORE INTO ids VALUES (?, ?)", (row["recipient_id"], line)
                )
            n += 1
        return n

    def line_done(self, line: int) -> bool:
        """True when an earlier run already handled this input line."""
        return (
            self.db.execute("SELECT 1 FROM done_lines WHERE line=?", (line,)).fetchone() is not None
        )

    def claim(self, recipient_id: str, line: int) -> int | None:
        """Record the id at ``line``; return the earlier line if the id was already used."""
        cur = self.db.execute("INSERT OR IGNORE INTO ids VALUES (?, ?)", (recipient_id, line))
        self.pending += 1
        if self.pending >= 5000:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.pending = 0
        if cur.rowcount == 1:
            return None
        found = self.db.execute("SELECT line FROM ids WHERE id=?", (recipient_id,)).fetchone()
        return int(found[0])

    def close(self) -> None:
        """Commit and close the SQLite file."""
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error:
            pass
        self.db.close()


def check_meta(
    out: Path, fmt: str, mode: str, variants: Mapping[str, VariantLetter]
) -> dict[str, Any]:
    """Record the run's parameters; a resume with different letters or format is refused."""
    meta = {
        "format": fmt,
        "mode": mode,
        "variants": {
            vid: v.version_hash or hashlib.sha256(v.text.encode()).hexdigest()
            for vid, v in sorted(variants.items())
        },
    }
    path = out / "merge.json"
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != meta:
            raise MergeError(
                f"{out.name}: holds a merge with other letters, format or mode; "
                "use a new output folder"
            )
    else:
        write_atomic(path, json.dumps(meta, indent=2).encode())
    return meta


def completed_result(out: Path) -> MergeResult | None:
    """Return the result of a run that already completed in ``out`` (a re-run does nothing)."""
    path = out / "summary.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("status") != "complete":
        return None
    return MergeResult(
        resumed=data["produced_total"] + data["rejected_total"],
        per_variant=Counter(data["per_variant"]),
        reject_reasons=Counter(data["reject_reasons"]),
        files=data["files"],
        out_dir=out,
    )
