"""Plain-text export of a letter: for e-mail bodies, SMS/portal notices and quick review.

Why: not every channel takes a document; plain text is also what a reviewer diffs. It is made by
:func:`app.letters.markup.render_plain` (headings underlined, lists as "- " / "1.") so it reads the
same as the PDF. An unapproved letter starts with a "DRAFT — NOT APPROVED" line. Rendering is pure
string work (microseconds), so a mail merge can call :func:`render_text` once per recipient or use
:func:`render_text_many`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from app.export.document import (
    WATERMARK,
    ExportDocument,
    enrollment_lines,
    letterhead_lines,
    recipient_lines,
    split_title,
)
from app.letters.markup import render_plain


def enrollment_text(doc: ExportDocument) -> str:
    """Frame the enrolment code and deadline with rules of ``*`` so they stand out (or ``""``)."""
    rows = enrollment_lines(doc)
    if not rows:
        return ""
    lines = [f"{label}: {value}" for label, value in rows]
    rule = "*" * min(72, max(len(line) for line in lines))
    return "\n".join([rule, *lines, rule]) + "\n"


def render_text(doc: ExportDocument, *, width: int | None = None) -> str:
    """One letter as plain text (``width`` wraps long lines; None keeps one line per paragraph)."""
    sections: list[str] = []
    if not doc.approved:
        sections.append(f"{WATERMARK} — do not send\n")
    head = letterhead_lines(doc)
    if head:
        sections.append("\n".join(head) + "\n")
    address = recipient_lines(doc.recipient)
    if address:
        sections.append("\n".join(address) + "\n")
    title, rest = split_title(doc.blocks)
    if title:
        sections.append(render_plain(title, width=width))
    box = enrollment_text(doc)
    if box:
        sections.append(box)
    if rest:
        sections.append(render_plain(rest, width=width))
    return "\n".join(sections)


def render_text_many(docs: Iterable[ExportDocument], *, width: int | None = None) -> Iterator[str]:
    """One plain-text letter per document, lazily (mail merge)."""
    for doc in docs:
        yield render_text(doc, width=width)
