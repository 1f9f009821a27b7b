"""Binding letters into one file (or parts) per variant, for per-variant mode."""

from __future__ import annotations

import io
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from app.export.csvcells import SafeWriter
from app.export.merge.letterfiles import SEPARATOR, letters_in
from app.export.merge.plan import MergeError, VariantLetter
from app.export.merge.state import MANIFEST_COLUMNS, read_csv


def pdf_pages(data: bytes) -> int:
    """Count the pages of a PDF."""
    return len(PdfReader(io.BytesIO(data)).pages)


def bind_variants(
    out: Path, work: Path, variants: Mapping[str, VariantLetter], fmt: str, per_part: int
) -> int:
    """Bind the per-recipient letters of ``work`` into one file (or parts) per variant.

    Streams: text is one pass over the work manifest (:func:`bind_texts`); PDF is a pass per
    variant whose parts hold at most ``per_part`` letters in memory. Idempotent, so a run
    interrupted while binding simply binds again.
    """
    if fmt == "text":
        return bind_texts(out, work, read_csv(work / "manifest.csv"))
    counts: Counter[str] = Counter(r["variant"] for r in read_csv(work / "manifest.csv"))
    tmp_manifest = out / ".manifest.csv.tmp"
    files = 0
    with open(tmp_manifest, "w", newline="", encoding="utf-8") as mfh:
        mw = SafeWriter(mfh)
        mw.writerow(MANIFEST_COLUMNS)
        for vid in sorted(counts):
            rows = (r for r in read_csv(work / "manifest.csv") if r["variant"] == vid)
            nparts = -(-counts[vid] // per_part)
            part, batch = 0, []
            for r in rows:
                batch.append(r)
                if len(batch) == per_part:
                    part += 1
                    bind_pdf_part(out, work, vid, part, nparts, batch, mw)
                    batch = []
            if batch:
                part += 1
                bind_pdf_part(out, work, vid, part, nparts, batch, mw)
            files += part
    os.replace(tmp_manifest, out / "manifest.csv")
    return files


class _TextVariant:
    """One variant's bound text file and its manifest rows while :func:`bind_texts` runs."""

    def __init__(self, out: Path, vid: str):
        self.vid = vid
        self.target = out / f"{vid}.txt"
        self.tmp = out / f".{vid}.txt.tmp"
        self.rows_tmp = out / f".{vid}.manifest.tmp"
        self.fh = open(self.tmp, "wb")
        self.rows_fh = open(self.rows_tmp, "w", newline="", encoding="utf-8")
        self.rows = SafeWriter(self.rows_fh)
        self.index = 0
        self.file = ""
        self.expected = 0
        self.named = 0

    def add(self, work: Path, r: Mapping[str, Any]) -> None:
        if r["file"] != self.file:
            self.check()
            data = (work / r["file"]).read_bytes()
            if self.index:
                self.fh.write(SEPARATOR)
            self.fh.write(data)
            self.file, self.expected, self.named = r["file"], letters_in(data), 0
        self.index += 1
        self.named += 1
        row = [r["recipient_id"], r["line"], r["residence"], self.vid, self.target.name, self.index]
        self.rows.writerow([*row, ""])

    def check(self) -> None:
        if self.file and self.expected != self.named:
            raise MergeError(
                f"{self.file} holds {self.expected} letters, the records name {self.named}: "
                "the merge's work files are damaged; start the merge again"
            )

    def close(self) -> None:
        self.fh.close()
        self.rows_fh.close()


def bind_texts(out: Path, work: Path, rows: Iterable[Mapping[str, Any]]) -> int:
    """Bind text letters into ``<variant>.txt`` per variant (letters separated by a form feed)
    and write ``manifest.csv``, in one pass over ``rows`` (the produced letters in input order:
    ``recipient_id, line, residence, variant, file``); return the number of files bound.

    A row's ``file`` is its own letter file or its chunk's file of the variant, which holds the
    chunk's letters of that variant in input order (app.export.merge.letterfiles): the rows of
    one file follow each other within the variant, so each file is read once and copied whole.
    A file holding a different number of letters than the rows naming it stops the binding
    (MergeError) rather than mis-number the manifest. Each variant's manifest rows go to a
    temporary file, joined in variant order at the end: memory does not grow with the list.
    """
    open_variants: dict[str, _TextVariant] = {}
    try:
        for r in rows:
            v = open_variants.get(r["variant"])
            if v is None:
                v = open_variants[r["variant"]] = _TextVariant(out, r["variant"])
            v.add(work, r)
        for v in open_variants.values():
            v.check()
    finally:
        for v in open_variants.values():
            v.close()
    tmp_manifest = out / ".manifest.csv.tmp"
    with open(tmp_manifest, "w", newline="", encoding="utf-8") as mfh:
        SafeWriter(mfh).writerow(MANIFEST_COLUMNS)
        for vid in sorted(open_variants):
            with open(open_variants[vid].rows_tmp, encoding="utf-8", newline="") as part:
                shutil.copyfileobj(part, mfh)
    for v in open_variants.values():
        os.replace(v.tmp, v.target)
        v.rows_tmp.unlink()
    os.replace(tmp_manifest, out / "manifest.csv")
    return len(open_variants)


def bind_pdf_part(
    out: Path, work: Path, vid: str, part: int, nparts: int, batch: list[dict[str, str]], mw: Any
) -> None:
    """Bind one PDF part of a variant and write its manifest rows (first page, page count)."""
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
