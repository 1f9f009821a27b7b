"""Every piece of text in an exported letter is at least 10 pt: Cal. Civ. Code § 1798.82(d)(1) requires the
notice in "no smaller than 10-point type". Measured in the real PDF (pypdf reads each text run's size and
the text matrix it is drawn with) and the real DOCX (each run's size, falling back to its style), with the
letterhead, the address block, the page footer, the version mark and the draft banner all present.
"""

from __future__ import annotations

import io
import math

import docx
import pytest
from pypdf import PdfReader

from app.export.docx import render_docx
from app.export.pdf import render_pdf

MIN_PT = 10.0


def _pdf_sizes(data: bytes) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if not text.strip():
            return
        scale_tm = math.hypot(tm[0], tm[1]) or 1.0
        scale_cm = math.hypot(cm[0], cm[1]) or 1.0
        out.append((font_size * scale_tm * scale_cm, text.strip()))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("approved", [True, False])
def test_pdf_text_is_never_below_10pt(make_doc, approved) -> None:  # type: ignore[no-untyped-def]
    sizes = _pdf_sizes(render_pdf(make_doc(approved=approved)))
    texts = " ".join(t for _, t in sizes)
    for needle in ("Acme Health", "42 Elm Street", "Page 1 of", "Notice of Data Breach"):
        assert needle in texts, (
            needle
        )  # letterhead, address block, footer and body were all measured
    small = [(round(s, 2), t) for s, t in sizes if s < MIN_PT - 0.01]
    assert not small, small


def _run_size(run, paragraph) -> float | None:  # type: ignore[no-untyped-def]
    if run.font.size is not None:
        return run.font.size.pt
    style = paragraph.style
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return None


@pytest.mark.parametrize("approved", [True, False])
def test_docx_text_is_never_below_10pt(make_doc, approved) -> None:  # type: ignore[no-untyped-def]
    document = docx.Document(io.BytesIO(render_docx(make_doc(approved=approved))))
    section = document.sections[0]
    paragraphs = (
        list(document.paragraphs)
        + list(section.header.paragraphs)
        + list(section.footer.paragraphs)
    )
    measured = []
    for p in paragraphs:
        for run in p.runs:
            if run.text.strip():
                size = _run_size(run, p)
                assert size is not None, (
                    f"{run.text!r}: no size set anywhere (the reader's default decides)"
                )
                measured.append((size, run.text))
    texts = " ".join(t for _, t in measured)
    for needle in ("Acme Health", "42 Elm Street", "Page "):
        assert needle in texts, needle
    small = [(s, t) for s, t in measured if s < MIN_PT]
    assert not small, small
