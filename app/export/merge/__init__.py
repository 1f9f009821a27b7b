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

from app.export.merge.bind import pdf_pages
from app.export.merge.plan import (
    FORMATS,
    KNOWN_FIELDS,
    MERGE_FIELD,
    MODES,
    Format,
    MergeError,
    MergeInterrupted,
    MergePlan,
    Mode,
    VariantLetter,
    check_plan,
)
from app.export.merge.rows import (
    REQUIRED_COLUMNS,
    Reject,
    address_lines,
    check_columns,
    residence_of,
)
from app.export.merge.run import count_rows, run_merge
from app.export.merge.state import (
    MANIFEST_COLUMNS,
    REJECT_COLUMNS,
    STATE_DB,
    WORK_DIR,
    MergeResult,
    Progress,
    safe_name,
    write_atomic,
)

__all__ = [
    "FORMATS",
    "KNOWN_FIELDS",
    "MANIFEST_COLUMNS",
    "MERGE_FIELD",
    "MODES",
    "REJECT_COLUMNS",
    "REQUIRED_COLUMNS",
    "STATE_DB",
    "WORK_DIR",
    "Format",
    "MergeError",
    "MergeInterrupted",
    "MergePlan",
    "MergeResult",
    "Mode",
    "Progress",
    "Reject",
    "VariantLetter",
    "address_lines",
    "check_columns",
    "check_plan",
    "count_rows",
    "pdf_pages",
    "residence_of",
    "run_merge",
    "safe_name",
    "write_atomic",
]
