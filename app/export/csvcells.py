"""Spreadsheet-safe CSV cells, shared by every CSV Candor writes (checklist, merge manifest, rejects).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`): such a cell is written
with a leading apostrophe, which spreadsheets show as text. A cell that itself starts with an
apostrophe gets one more, so `read_cell` undoes the escaping exactly (the merge re-reads its own
manifest and rejects files to resume, and must see the ids it wrote).
"""

from __future__ import annotations

import csv
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value: Any) -> str:
    """`value` as text a spreadsheet will not run (None → empty, booleans → yes/no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith((*FORMULA_START, ESCAPE)):
        return ESCAPE + text
    return text


def read_cell(text: str) -> str:
    """The original value of a cell written by `safe_cell`."""
    return text[1:] if text.startswith(ESCAPE) else text


class SafeWriter:
    """`csv.writer` whose rows go through `safe_cell`."""

    def __init__(self, fh: Any):
        self._writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)

    def writerow(self, row: Any) -> None:
        """Write one row of escaped cells."""
        self._writer.writerow([safe_cell(v) for v in row])
