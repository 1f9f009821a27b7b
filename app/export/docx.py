"""DOCX export of a letter with python-docx: the editable form counsel and mail houses ask for.

Why real Word structure instead of pasted text: reviewers restyle, re-number and navigate letters
in Word, and assistive technology reads the structure. So ``#`` becomes the *Title* style, ``##``
*Heading 1*, ``###`` *Heading 2* (deeper: *Heading 3*), lists use *List Bullet* / *List Number*
(each numbered list restarts at its own first number), ``**bold**`` becomes bold runs, and
``[[missing: ...]]`` markers stay as highlighted text. The footer holds a "Page N of M" field.

An unapproved letter carries "DRAFT — NOT APPROVED" as its first paragraph and in the page header
(so it is on every page). User text is only ever added as run text, which python-docx escapes;
nothing in the letter is interpreted as a field, macro or template.
"""

from __future__ import annotations

import io
from typing import Literal

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from app.export.document import (
    WATERMARK,
    ExportDocument,
    enrollment_lines,
    letterhead_lines,
    recipient_lines,
    split_title,
)
from app.letters.markup import Heading, ListBlock, Paragraph, Span

HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2"}
"""Markdown heading level -> Word style; deeper levels use "Heading 3"."""

_PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_DRAFT_RED = RGBColor(0xB0, 0x00, 0x00)


def _add_spans(paragraph: DocxParagraph, spans: tuple[Span, ...]) -> None:
    """Add inline spans as runs; a newline becomes a line break inside the paragraph."""
    for span in spans:
        for i, piece in enumerate(span.text.split("\n")):
            if i:
                paragraph.add_run().add_break()
            if not piece:
                continue
            run = paragraph.add_run(piece)
            if span.bold:
                run.bold = True
            if span.missing:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _box(paragraph: DocxParagraph, fill: str = "FFF4CC") -> None:
    """Border and shade a paragraph (adjacent boxed paragraphs merge into one box in Word)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "12")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    ppr.insert_element_before(borders, *_AFTER_PBDR)
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    ppr.insert_element_before(shade, *_AFTER_PBDR[1:])


def _add_field(paragraph: DocxParagraph, instruction: str) -> None:
    """Append a simple field (PAGE, NUMPAGES); Word computes it, "1" is shown until then."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


class _Numbering:
    """Gives each numbered list its own numbering instance, so every list restarts its count."""

    def __init__(self, document: docx.document.Document):
        self._numbering = document.part.numbering_part.element
        style = document.styles["List Number"]
        num_id = style.element.pPr.numPr.numId.val
        num = self._numbering.num_having_numId(num_id)
        self._abstract_id = num.abstractNumId.val

    def restart(self, start: int) -> int:
        num = self._numbering.add_num(self._abstract_id)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(start)
        return num.numId


def _set_num(paragraph: DocxParagraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def render_docx(doc: ExportDocument, *, page_size: Literal["A4", "Letter"] = "A4") -> bytes:
    """One letter as DOCX bytes."""
    document = docx.Document()
    _set_properties(document, doc)
    section = document.sections[0]
    section.page_width, section.page_height = _PAGE_SIZES[page_size]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    document.styles["Normal"].font.size = Pt(11)
    for style in (
        "Header",
        "Footer",
    ):  # no text under 10 pt anywhere (Cal. Civ. Code 1798.82(d)(1))
        document.styles[style].font.size = Pt(10)

    header = section.header.paragraphs[0]
    if not doc.approved:
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(WATERMARK)
        run.bold = True
        run.font.color.rgb = _DRAFT_RED
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")
    if doc.version_hash:
        footer.add_run(f"    Version {doc.short_hash}")

    if not doc.approved:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(f"{WATERMARK} — do not send")
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = _DRAFT_RED

    head = letterhead_lines(doc)
    for i, line in enumerate(head):
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(line)
        if i == 0:
            run.bold = True
            run.font.size = Pt(14)
        else:
            run.font.size = Pt(10)
    if head:
        document.add_paragraph()

    address = recipient_lines(doc.recipient)
    if address:
        p = document.add_paragraph()
        for i, line in enumerate(address):
            if i:
                p.add_run().add_break()
            p.add_run(line)

    title, rest = split_title(doc.blocks)
    numbering: list[_Numbering] = []
    _add_blocks(document, title, numbering)
    _add_enrollment(document, doc)
    _add_blocks(document, rest, numbering)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_blocks(
    document: docx.document.Document, blocks: list, numbering: list[_Numbering]
) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            p = document.add_paragraph(style=HEADING_STYLES.get(block.level, "Heading 3"))
            _add_spans(p, block.spans)
        elif isinstance(block, Paragraph):
            _add_spans(document.add_paragraph(), block.spans)
        elif isinstance(block, ListBlock):
            num_id = None
            if block.ordered:
                if not numbering:
                    numbering.append(_Numbering(document))
                num_id = numbering[0].restart(block.start)
            for spans in block.item_spans():
                p = document.add_paragraph(style="List Number" if block.ordered else "List Bullet")
                if num_id is not None:
                    _set_num(p, num_id)
                _add_spans(p, spans)


def _add_enrollment(document: docx.document.Document, doc: ExportDocument) -> None:
    """Add the enrolment code and deadline as one bordered, shaded box."""
    rows = enrollment_lines(doc)
    for i, (label, value) in enumerate(rows):
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(10 if i == len(rows) - 1 else 0)
        p.add_run(f"{label}: ").bold = True
        value_run = p.add_run(value)
        value_run.bold = True
        value_run.font.size = Pt(15)
        _box(p)


def _set_properties(document: docx.document.Document, doc: ExportDocument) -> None:
    props = document.core_properties
    props.title = doc.title
    props.author = doc.organisation
    props.last_modified_by = doc.organisation
    props.subject = "" if doc.approved else WATERMARK
    props.comments = f"version {doc.version_hash}" if doc.version_hash else ""
    props.identifier = doc.version_hash
    props.keywords = ""
    props.category = ""
