"""Bulk PDF path (variant laid out once, recipient's words overlaid) against the single-letter PDF:
the same text for the same recipient, the same pages, nothing under 10 pt, and the one-by-one
fallback for words the overlay cannot set (a character DejaVu lacks, a very long address)."""

from __future__ import annotations

import io
import math
import re

import pytest
from pypdf import PdfReader
from support.recipients import letter_text

from app.export.merge import VariantLetter
from app.export.merge.bulkpdf import BulkPdf
from app.export.merge.rows import Filler
from app.export.pdf import render_pdf

CASES = [
    ("Pat Sample", ["12 Oak Ave", "Austin, TX 73301"], "AC-0000042"),
    (
        "José Müller-Łukasiewicz",
        ["Flat 3", "221B Baker Street", "Springfield, IL 62701"],
        "ZX9-QQ7",
    ),
    ("Al", ["1 A St", "Dover, DE 19901"], "A1"),
    (
        "Maximilian Alexander Featherstonehaugh-Worthington III",
        ["4000 Very Long Boulevard Name Northwest", "Suite 1200", "Los Angeles, CA 90001"],
        "LONGCODE-1234567890",
    ),
]


def _text(data: bytes) -> str:
    """The letter's text in reading order: text runs placed by their position on each page
    (pypdf's own order follows the content stream, where an overlay comes last), whitespace
    removed so that where one renderer splits a run does not matter."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((-round(y), x, text))

        page.extract_text(visitor_text=visit)
        out.extend(t for _, _, t in sorted(set(runs)))
    return "".join("".join(out).split())


def _sizes(data: bytes) -> list[tuple[float, str]]:
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text.strip():
            found.append(
                (
                    font_size * (math.hypot(tm[0], tm[1]) or 1) * (math.hypot(cm[0], cm[1]) or 1),
                    text.strip(),
                )
            )

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return found


def _filler(vid: str = "us-ca") -> Filler:
    return Filler(
        VariantLetter(
            vid,
            letter_text(vid),
            approved=True,
            version_hash="h" * 40,
            organisation="Example Co.",
            letterhead="Example Co.\n1 Corporate Way",
            enroll_by="March 1, 2027",
        )
    )


@pytest.mark.parametrize("page_size", ["Letter", "A4"])
def test_bulk_text_equals_single_letter_text(page_size: str) -> None:
    filler = _filler()
    bulk = BulkPdf(page_size)
    out = bulk.render([(filler, n, a, c) for n, a, c in CASES])
    assert bulk.fallbacks == 0
    for (name, address, code), (data, pages) in zip(CASES, out, strict=True):
        single = render_pdf(filler.document(name, address, code), page_size=page_size)
        assert _text(data) == _text(single), name
        assert pages == len(PdfReader(io.BytesIO(single)).pages)
        text = _text(data)
        assert (
            f"Dear{name},".replace(" ", "") in text
            and code in text
            and address[0].replace(" ", "") in text
        )
        for heading in (
            "Notice of Data Breach",
            "What Happened",
            "What You Can Do",
            "For More Information",
        ):
            assert heading.replace(" ", "") in text
        assert re.search(r"Page1of\d", text) and "Yourenrollmentcode:" in text
        small = [(round(s, 2), t) for s, t in _sizes(data) if s < 9.99]
        assert not small, small


def test_words_dejavu_cannot_set_fall_back_to_one_by_one() -> None:
    filler = _filler()
    bulk = BulkPdf("Letter")
    rows = [
        (filler, "山田 太郎", ["1-2-3 Chiyoda", "Tokyo 100-0001"], "JP-1"),
        (filler, "Pat Sample", ["12 Oak Ave", "Austin, TX 73301"], "AC-1"),
    ]
    out = bulk.render(rows)
    assert bulk.fallbacks == 1
    single = render_pdf(filler.document(*rows[0][1:]), page_size="Letter")
    assert _text(out[0][0]) == _text(single)
    assert "DearPatSample," in _text(out[1][0])


def test_layouts_are_reused_across_recipients() -> None:
    filler = _filler("us-tx")
    bulk = BulkPdf("Letter")
    rows = [
        (filler, f"Person {i} Example", [f"{100 + i} Oak Ave", "Austin, TX 73301"], f"AC-{i:07d}")
        for i in range(40)
    ]
    out = bulk.render(rows)
    assert len(out) == 40 and bulk.fallbacks == 0
    assert len(bulk.layouts) <= 3  # width classes, not one layout per recipient
    assert "DearPerson17Example," in _text(out[17][0])
