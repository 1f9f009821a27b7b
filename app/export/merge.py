"""Mail merge: one letter per recipient, in the letter variant of the recipient's jurisdiction.

Why a pure streaming engine: a breach can affect a million people. The engine reads the recipients
CSV one row at a time (``csv`` module, never the whole file), renders one letter, writes it
atomically (temporary file + rename) and appends one line to ``manifest.csv`` (flushed per row),
so memory stays flat however long the list is and a run that dies half-way can be resumed: the
next run reads what the manifest and ``rejects.csv`` already record and skips those rows, so no
letter is produced twice. The set of recipient ids already seen (for resume and for duplicate ids
in the input) lives in a small SQLite file in the output folder, not in a Python set, for the same
reason.

Input — a :class:`MergePlan` (residence code → :class:`VariantLetter`) and a recipients CSV with
columns ``recipient_id, name, address_line1, address_line2 (optional), city, region`` (or
``state``) ``, postal_code, country, activation_code (optional)``. The engine does not know the
store or the jurisdiction rules: the caller (CLI, API) resolves which approved letter each
residence code gets.

Refusals (before any row is read): a variant that is not approved (:data:`WATERMARK` letters never
go through the merge), a letter with unfilled ``[[missing: …]]`` facts, or a letter with an
unknown ``[[recipient: …]]`` field.

Rejected rows (listed in ``rejects.csv`` with a reason code and a sentence; good rows are still
produced): no recipient id, duplicate recipient id, no name, missing address, no state, unknown
state or country, no letter variant for the residence, letter needs an activation code but the row
has none.

Personal data: names and addresses go only into the letters themselves. Logs and the progress
callback carry counts and recipient ids; ``rejects.csv`` carries recipient id, input line number and
reason (never the name or address); ``manifest.csv`` carries recipient id, residence code,
variant, file and page count.

Outputs (``out_dir``):

- ``per-recipient`` mode: ``letters/<variant>/<recipient id>.txt|pdf``;
- ``per-variant`` mode: ``<variant>.txt`` (letters separated by form feeds) or ``<variant>.pdf``
  (``<variant>-partNNN.pdf`` when a variant has more than ``letters_per_part`` letters, so
  binding never holds more than one part in memory). Letters are first rendered one per file
  into ``_work/`` (the resumable part), then bound per variant at the end; ``manifest.csv`` then
  says which file and which first page holds each recipient's letter;
- ``manifest.csv``: ``recipient_id, line, residence, variant, file, first_page, pages``;
- ``rejects.csv``: ``recipient_id, line, reason_code, reason``;
- ``summary.json``: counts per variant and per reject reason, written when the run completes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app.core.errors import AppError
from app.domain.regions import RESIDENCE_CODES, US_STATES
from app.export.document import ExportDocument
from app.letters.markup import find_missing

log = logging.getLogger("candor.merge")

Format = Literal["text", "pdf"]
Mode = Literal["per-recipient", "per-variant"]
FORMATS = ("text", "pdf")
MODES = ("per-recipient", "per-variant")

MERGE_FIELD = re.compile(r"\[\[recipient:\s*([A-Za-z_]+)\s*\]\]")
KNOWN_FIELDS = frozenset({"name", "activation_code"})
"""Per-recipient merge fields a letter may use (see app/letters/context.py ``merge_field``)."""

MANIFEST_COLUMNS = ["recipient_id", "line", "residence", "variant", "file", "first_page", "pages"]
REJECT_COLUMNS = ["recipient_id", "line", "reason_code", "reason"]
REQUIRED_COLUMNS = ("recipient_id", "name", "address_line1", "city", "postal_code", "country")

WORK_DIR = "_work"
STATE_DB = "merge-state.sqlite"


class MergeError(AppError):
    """The merge cannot start (bad plan, unapproved letter, unreadable CSV); nothing produced."""

    status = 422
    code = "merge_refused"


class MergeInterrupted(Exception):
    """Raised by a progress callback to stop a run (the run can be resumed)."""


@dataclass(frozen=True)
class VariantLetter:
    """An approved letter variant, ready to merge.

    ``text``: the letter in the Markdown subset, with ``[[recipient: name]]`` and optionally
    ``[[recipient: activation_code]]`` merge fields. ``approved`` must be True (the engine refuses
    otherwise). ``version_hash`` is printed in PDF footers so a mailed letter traces to its version.
    """

    variant_id: str
    text: str
    approved: bool
    version_hash: str = ""
    title: str = "Notice of Data Breach"
    organisation: str = ""
    letterhead: str = ""
    enroll_by: str | None = None

    @property
    def fields(self) -> set[str]:
        """The merge fields this letter uses."""
        return set(MERGE_FIELD.findall(self.text))


@dataclass(frozen=True)
class MergePlan:
    """Which letter each residence code gets.

    ``letters``: residence code (``US-CA``, ``DE``, ``CA-QC``…) → letter. ``default``: letter for
    a valid residence code that ``letters`` does not list (None: such rows are rejected).
    """

    letters: Mapping[str, VariantLetter]
    default: VariantLetter | None = None

    def letter_for(self, residence: str) -> VariantLetter | None:
        """Return the letter for a residence code, or None."""
        return self.letters.get(residence, self.default)

    def variants(self) -> dict[str, VariantLetter]:
        """Distinct letters by variant id."""
        out: dict[str, VariantLetter] = {}
        for letter in [*self.letters.values(), *([self.default] if self.default else [])]:
            other = out.setdefault(letter.variant_id, letter)
            if other.text != letter.text or other.version_hash != letter.version_hash:
                raise MergeError(
                    f"variant {letter.variant_id!r} is given two different letters; "
                    "use one variant id per letter"
                )
        return out


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


# --------------------------------------------------------------------------------------------
# Validation of the plan and of one row


def check_plan(plan: MergePlan) -> dict[str, VariantLetter]:
    """Refuse a plan the merge must not run (unapproved, unfilled facts, unknown fields)."""
    variants = plan.variants()
    if not variants:
        raise MergeError("the merge plan has no letters")
    for code in plan.letters:
        if code not in RESIDENCE_CODES:
            raise MergeError(
                f"merge plan: unknown residence code {code!r} (use e.g. US-CA, DE, CA-QC)"
            )
    for vid, letter in sorted(variants.items()):
        if not letter.approved:
            raise MergeError(
                f"variant {vid!r} is not approved: only approved letters go through the "
                "mail merge (approve the version first)"
            )
        missing = find_missing(letter.text)
        if missing:
            raise MergeError(
                f"variant {vid!r} has unfilled facts: {', '.join(sorted(set(missing)))}"
            )
        unknown = letter.fields - KNOWN_FIELDS
        if unknown:
            raise MergeError(
                f"variant {vid!r} uses unknown merge fields: {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(KNOWN_FIELDS))})"
            )
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", vid):
            raise MergeError(
                f"variant id {vid!r}: use letters, digits, '.', '_' or '-' (it names files)"
            )
    return variants


_US_NAMES = {name.lower(): code for code, name in US_STATES.items()}
_COUNTRY_NAMES = {
    name.lower(): code for code, name in RESIDENCE_CODES.items() if not code.startswith("US-")
}
_US_ALIASES = {"", "US", "USA", "U.S.", "U.S.A.", "UNITED STATES", "UNITED STATES OF AMERICA"}


class Reject(Exception):
    """A row that cannot be produced: ``code`` (stable) and ``reason`` (a sentence)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 24 else value[:21] + "..."


def residence_of(row: Mapping[str, str | None]) -> str:
    """Return the residence code of a row from ``region``/``state`` and ``country``.

    Raises :class:`Reject` when the state or country is missing or unknown.
    """
    region = (row.get("region") or row.get("state") or "").strip()
    country = (row.get("country") or "").strip()
    cu = country.upper()
    if cu in _US_ALIASES:
        if not region:
            raise Reject("missing_state", "no state: a US address needs its state")
        ru = region.upper()
        code = ru if ru.startswith("US-") else f"US-{ru}"
        if code in US_STATES:
            return code
        if region.lower() in _US_NAMES:
            return _US_NAMES[region.lower()]
        raise Reject("unknown_state", f"unknown US state {_short(region)!r}")
    code = cu if cu in RESIDENCE_CODES else _COUNTRY_NAMES.get(country.lower(), "")
    if not code:
        raise Reject("unknown_country", f"unknown country {_short(country)!r}")
    sub = f"{code}-{region.upper()}"
    return sub if sub in RESIDENCE_CODES else code


def _clean(value: str | None) -> str:
    """One line of plain text: whitespace collapsed, markup and merge brackets removed."""
    text = " ".join((value or "").split())
    return text.replace("[", "(").replace("]", ")").replace("*", "")


def address_lines(row: Mapping[str, str | None], residence: str) -> list[str]:
    """Postal address lines (after the name) of a row."""
    lines = [_clean(row.get("address_line1")), _clean(row.get("address_line2"))]
    region = (
        residence[3:]
        if residence.startswith("US-")
        else _clean(row.get("region") or row.get("state"))
    )
    city = _clean(row.get("city"))
    postal = _clean(row.get("postal_code"))
    if residence.startswith("US-"):
        lines.append(f"{city}, {region} {postal}".strip().strip(","))
    else:
        lines.append(" ".join(p for p in (postal, city, region) if p))
        lines.append(RESIDENCE_CODES.get(residence.split("-")[0], residence).upper())
    return [ln for ln in lines if ln]


# --------------------------------------------------------------------------------------------
# Files


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


def _repair_tail(path: Path) -> None:
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


class _CsvLog:
    """An append-only CSV (header once), flushed after every row."""

    def __init__(self, path: Path, columns: list[str]):
        _repair_tail(path)
        new = not path.exists() or path.stat().st_size == 0
        self.fh = open(path, "a", newline="", encoding="utf-8")
        self.writer = csv.writer(self.fh)
        if new:
            self.writer.writerow(columns)
            self.fh.flush()

    def write(self, row: list[Any]) -> None:
        self.writer.writerow(row)
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        return
    with open(path, newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


class _Seen:
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
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error:
            pass
        self.db.close()


# --------------------------------------------------------------------------------------------
# Rendering


class _Filler:
    """Fill a letter's merge fields by joining pre-split segments (no regex per recipient)."""

    def __init__(self, letter: VariantLetter):
        self.letter = letter
        self.parts = MERGE_FIELD.split(letter.text)  # text, field, text, field, ...
        self.needs_code = "activation_code" in letter.fields

    def document(self, name: str, address: list[str], code: str | None) -> ExportDocument:
        values = {"name": name, "activation_code": code or ""}
        parts = self.parts
        text = "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))
        lt = self.letter
        return ExportDocument(
            text=text,
            title=lt.title,
            organisation=lt.organisation,
            letterhead=lt.letterhead,
            approved=True,
            version_hash=lt.version_hash,
            enrollment_code=code if self.needs_code else None,
            enroll_by=lt.enroll_by if self.needs_code else None,
            recipient={"name": name, "address_lines": address},
        )


def _renderer(fmt: str, page_size: str) -> Callable[[ExportDocument], tuple[bytes, int | None]]:
    if fmt == "text":
        from app.export.text import render_text  # noqa: PLC0415

        return lambda doc: (render_text(doc).encode("utf-8"), None)
    from app.export.pdf import render_pdf  # noqa: PLC0415

    def pdf(doc: ExportDocument) -> tuple[bytes, int | None]:
        data = render_pdf(doc, page_size=page_size)  # type: ignore[arg-type]
        return data, pdf_pages(data)

    return pdf


def pdf_pages(data: bytes) -> int:
    """Count the pages of a PDF."""
    import io  # noqa: PLC0415

    from pypdf import PdfReader  # noqa: PLC0415

    return len(PdfReader(io.BytesIO(data)).pages)


# --------------------------------------------------------------------------------------------
# The run


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
    fillers = {vid: _Filler(letter) for vid, letter in variants.items()}
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
        missing_cols = [c for c in REQUIRED_COLUMNS if c not in header]
        if "region" not in header and "state" not in header:
            missing_cols.append("region (or state)")
        if missing_cols:
            raise MergeError(f"{src.name}: missing columns: {', '.join(missing_cols)}")
        out.mkdir(parents=True, exist_ok=True)
        meta = _check_meta(out, fmt, mode, variants)
        done = _completed(out)
        if done is not None:
            log.info("merge: already complete; nothing to do")
            return done
        work = out / WORK_DIR if mode == "per-variant" else out
        work.mkdir(exist_ok=True)
        letters_root = work / "letters"
        for vid in variants:
            (letters_root / vid).mkdir(parents=True, exist_ok=True)
        manifest_path = work / "manifest.csv"
        rejects_path = out / "rejects.csv"
        for p in (manifest_path, rejects_path):
            _repair_tail(p)
        seen = _Seen(work / STATE_DB)
        result = MergeResult(out_dir=out)
        result.resumed = seen.load(_read_csv(manifest_path)) + seen.load(_read_csv(rejects_path))
        for row in _read_csv(manifest_path):
            result.per_variant[row["variant"]] += 1
        for row in _read_csv(rejects_path):
            result.reject_reasons[row["reason_code"]] += 1
        prior_done, prior_rej = (
            sum(result.per_variant.values()),
            sum(result.reject_reasons.values()),
        )
        if result.resumed:
            log.info("merge: resuming; %d rows already handled", result.resumed)
        resuming = result.resumed > 0
        render = _renderer(fmt, page_size)
        ext = "txt" if fmt == "text" else "pdf"
        work_s = os.fspath(work)
        manifest = _CsvLog(manifest_path, MANIFEST_COLUMNS)
        rejects = _CsvLog(rejects_path, REJECT_COLUMNS)
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
                    residence = residence_of(row)
                    letter = plan.letter_for(residence)
                    if letter is None:
                        raise Reject("no_variant", f"no letter variant for residence {residence}")
                    name = _clean(row.get("name"))
                    if not name:
                        raise Reject("missing_name", "no name")
                    if not _clean(row.get("address_line1")) or not _clean(row.get("city")):
                        raise Reject(
                            "missing_address",
                            "missing address (address_line1 and city are required)",
                        )
                    filler = fillers[letter.variant_id]
                    code = _clean(row.get("activation_code")) or None
                    if filler.needs_code and not code:
                        raise Reject(
                            "missing_activation_code",
                            f"letter {letter.variant_id} needs an activation code; row has none",
                        )
                except Reject as rej:
                    rejects.write([rid, line, rej.code, rej.reason])
                    result.rejected += 1
                    result.reject_reasons[rej.code] += 1
                else:
                    doc = filler.document(name, address_lines(row, residence), code)
                    data, pages = render(doc)
                    rel = f"letters/{letter.variant_id}/{safe_name(rid)}.{ext}"
                    write_atomic(os.path.join(work_s, rel), data)
                    manifest.write(
                        [
                            rid,
                            line,
                            residence,
                            letter.variant_id,
                            rel,
                            1 if pages else "",
                            pages or "",
                        ]
                    )
                    result.produced += 1
                    result.per_variant[letter.variant_id] += 1
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
            result.files = _bind(out, work, variants, fmt, letters_per_part)
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


def _check_meta(
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


def _completed(out: Path) -> MergeResult | None:
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


def _bind(
    out: Path, work: Path, variants: Mapping[str, VariantLetter], fmt: str, per_part: int
) -> int:
    """Bind the per-recipient letters of ``work`` into one file (or parts) per variant.

    Streams: each variant is a pass over the work manifest; PDF parts hold at most ``per_part``
    letters in memory. Idempotent, so a run interrupted while binding simply binds again.
    """
    counts: Counter[str] = Counter(r["variant"] for r in _read_csv(work / "manifest.csv"))
    tmp_manifest = out / ".manifest.csv.tmp"
    files = 0
    with open(tmp_manifest, "w", newline="", encoding="utf-8") as mfh:
        mw = csv.writer(mfh)
        mw.writerow(MANIFEST_COLUMNS)
        for vid in sorted(counts):
            rows = (r for r in _read_csv(work / "manifest.csv") if r["variant"] == vid)
            if fmt == "text":
                target = out / f"{vid}.txt"
                tmp = target.with_name(f".{target.name}.tmp")
                with open(tmp, "wb") as tfh:
                    for i, r in enumerate(rows):
                        if i:
                            tfh.write(b"\f\n")
                        tfh.write((work / r["file"]).read_bytes())
                        mw.writerow(
                            [
                                r["recipient_id"],
                                r["line"],
                                r["residence"],
                                vid,
                                target.name,
                                i + 1,
                                "",
                            ]
                        )
                os.replace(tmp, target)
                files += 1
                continue
            nparts = -(-counts[vid] // per_part)
            part, batch = 0, []
            for r in rows:
                batch.append(r)
                if len(batch) == per_part:
                    part += 1
                    _bind_pdf(out, work, vid, part, nparts, batch, mw)
                    batch = []
            if batch:
                part += 1
                _bind_pdf(out, work, vid, part, nparts, batch, mw)
            files += part
    os.replace(tmp_manifest, out / "manifest.csv")
    return files


def _bind_pdf(
    out: Path, work: Path, vid: str, part: int, nparts: int, batch: list[dict[str, str]], mw: Any
) -> None:
    from pypdf import PdfWriter  # noqa: PLC0415

    name = f"{vid}.pdf" if nparts == 1 else f"{vid}-part{part:03d}.pdf"
    writer = PdfWriter()
    page = 1
    for r in batch:
        writer.append(str(work / r["file"]))
        pages = int(r["pages"] or 1)
        mw.writerow([r["recipient_id"], r["line"], r["residence"], vid, name, page, pages])
        page += pages
    target = out / name
    tmp = target.with_name(f".{name}.tmp")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    writer.close()
    os.replace(tmp, target)
