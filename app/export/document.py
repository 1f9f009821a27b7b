"""ExportDocument: the one input every letter export takes, and helpers the formats share.

Why one contract: the API, the CLI and a future mail merge build an ``ExportDocument`` and hand it
to any format; each format decides only how to lay it out. The fields are already-formatted text
(dates as the letter should print them), so exports do no locale or business logic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.letters.markup import Block, Heading, parse, sanitize

WATERMARK = "DRAFT — NOT APPROVED"
"""Shown on every format of a letter that has not been approved (and found by text extraction)."""


@dataclass(frozen=True)
class ExportDocument:
    r"""A letter ready to export.

    - ``text``: the letter body in the Markdown subset of :mod:`app.letters.markup` (untrusted).
    - ``title``: document title (PDF/DOCX metadata, e-mail subject), e.g. "Notice of Data Breach".
    - ``organisation``: the notifying organisation (metadata author, e-mail sender name).
    - ``letterhead``: plain text, one line per ``\n`` (name, address, phone); printed at the top.
    - ``approved``: False puts "DRAFT — NOT APPROVED" on/in every format.
    - ``version_hash``: hash of the exported version; printed in PDF footers and metadata so a
      printed letter can be traced to the version that was approved.
    - ``enrollment_code`` / ``enroll_by``: credit-monitoring code and deadline (formatted date
      text), shown in a prominent box when given.
    - ``recipient``: for mail merge: ``{"name": str, "address_lines": [str, ...]}`` (also accepted:
      ``"address"`` as a list or a ``\n``-separated string; ``"email"`` for e-mail export).
    """

    text: str
    title: str
    organisation: str
    letterhead: str = ""
    approved: bool = False
    version_hash: str = ""
    enrollment_code: str | None = None
    enroll_by: str | None = None
    recipient: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    def __post_init__(self) -> None:
        # Control characters cannot be stored in DOCX/PDF metadata and mean nothing in a letter:
        # drop them once here so every format can trust its string fields.
        for name in (
            "text",
            "title",
            "organisation",
            "letterhead",
            "version_hash",
            "enrollment_code",
            "enroll_by",
        ):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, sanitize(str(value)))

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The parsed letter body (parsing is cached on the text)."""
        return parse(self.text)

    @property
    def short_hash(self) -> str:
        """First 12 characters of the version hash (for footers)."""
        return self.version_hash[:12]


def letterhead_lines(doc: ExportDocument) -> list[str]:
    """Non-empty letterhead lines."""
    return [ln.strip() for ln in doc.letterhead.splitlines() if ln.strip()]


def recipient_lines(recipient: Mapping[str, Any] | None) -> list[str]:
    """Return the address block of a recipient: name, then address lines ([] when none)."""
    if not recipient:
        return []
    lines: list[str] = []
    name = recipient.get("name")
    if name:
        lines.append(str(name))
    address: Any = recipient.get("address_lines", recipient.get("address"))
    if isinstance(address, str):
        address = address.splitlines()
    if isinstance(address, Sequence):
        lines.extend(str(a) for a in address)
    cleaned = (" ".join(sanitize(line).split()) for line in lines)
    return [line for line in cleaned if line]


def enrollment_lines(doc: ExportDocument) -> list[tuple[str, str]]:
    """``[(label, value)]`` for the enrolment box; empty when there is nothing to show."""
    rows: list[tuple[str, str]] = []
    if doc.enrollment_code:
        rows.append(("Your enrollment code", doc.enrollment_code))
    if doc.enroll_by:
        rows.append(("Enroll by", doc.enroll_by))
    return rows


def split_title(blocks: Sequence[Block]) -> tuple[list[Block], list[Block]]:
    """Split off a leading level-1 heading: the enrolment box goes right after the title."""
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        return [blocks[0]], list(blocks[1:])
    return [], list(blocks)
