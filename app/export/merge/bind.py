"""Binding per-recipient letters into one file (or parts) per variant, for per-variant mode."""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from app.export.csvcells import SafeWriter
from app.export.merge.plan import VariantLetter
from app.export.merge.state import MANIFEST_COLUMNS, read_csv


def pdf_pages(data: bytes) -> int:
    """Count the pages of a PDF."""
    return len(PdfReader(io.BytesIO(data)).pages)


def bind_variants(
    out: Path, work: Path, variants: Mapping[str, VariantLetter], fmt: str, per_part: int
) -> int:
    """Bind the per-recipient letters of ``work`` into one file (or parts) per variant.

    Streams: each variant is a pass over the work manifest; PDF parts hold at most ``per_part``
    letters in memory. Idempotent, so a run interrupted while binding simply binds again.
    """
    counts: Counter[str] = Counter(r["variant"] for r in read_csv(work / "manifest.csv"))
    tmp_manifest = out / ".manifest.csv.tmp"
    files = 0
    with open(tmp_manifest, "w", newline="", encoding="utf-8") as mfh:
        mw = SafeWriter(mfh)
        mw.writerow(MANIFEST_COLUMNS)
        for vid in sorted(counts):
            rows = (r for r in read_csv(work / "manifest.csv") if r["variant"] == vid)
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
                    bind_pdf_part(out, work, vid, part, nparts, batch, mw)
                    batch = []
            if batch:
                part += 1
                bind_pdf_part(out, work, vid, part, nparts, batch, mw)
            files += part
    os.replace(tmp_manifest, out / "manifest.csv")
    return files


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
