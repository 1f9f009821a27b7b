"""What a sharded merge writes per recipient: a text letter, a PDF letter (bulk path) or an e-mail.

Each output renders a batch of recipients at once (the bulk PDF path needs batches) and may refuse
a row before anything is rendered (the e-mail channel needs an e-mail address).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.export.merge.rows import Filler, Reject

Row = tuple[Filler, str, list[str], str | None, Mapping[str, str]]
"""(filler, name, address lines, activation code, the CSV row)."""


class TextOutput:
    """Plain-text letters (``.txt``).

    Fast path: each variant is rendered once with tokens for the name and the activation code,
    and each recipient's letter is that text with the tokens, the address block and the enrolment
    box filled in — no Markdown parse per recipient. It is used only where it gives exactly what
    :func:`app.export.text.render_text` gives: every merge field sits inside a line (not at its
    start) and outside headings, so no value can change how a line is parsed (a value cannot
    contain ``*``, ``[`` or ``]``: :func:`app.export.merge.rows.clean` removes them).
    """

    ext = "txt"

    def __init__(self) -> None:
        self.templates: dict[int, tuple[str, str, str] | None] = {}

    def check(self, row: Mapping[str, str]) -> None:
        """Nothing beyond the letter's own checks."""

    def _template(self, filler: Filler) -> tuple[str, str, str] | None:
        key = id(filler)
        if key not in self.templates:
            self.templates[key] = _text_template(filler)
        return self.templates[key]

    def render(self, batch: Sequence[Row]) -> list[tuple[bytes, int | None]]:
        """One UTF-8 text per row."""
        from app.export.text import enrollment_text, render_text
        from app.letters.markup import is_sanitized

        out: list[tuple[bytes, int | None]] = []
        for f, name, addr, code, _ in batch:
            template = self._template(f)
            if template is None or not is_sanitized("\n".join((name, code or "", *addr))):
                out.append((render_text(f.document(name, addr, code)).encode("utf-8"), None))
                continue
            head, box, body = template
            # app.export.document.recipient_lines without its sanitize: the values are clean
            block = "\n".join(v for v in (" ".join(x.split()) for x in (name, *addr)) if v)
            enrol = enrollment_text(
                _Enrolment(
                    code if f.needs_code else None, f.letter.enroll_by if f.needs_code else None
                )
            )
            rest = box.replace(_BOX, enrol) + body
            text = head + block + rest.replace(_NAME, name).replace(_CODE, code or "")
            out.append((text.encode("utf-8"), None))
        return out


_NAME, _CODE, _ADDR, _BOX = "Zq9NAMEq9Z", "Zq9CODEq9Z", "Zq9ADDRq9Z", "Zq9BOXq9Z"


class _Enrolment:
    """What :func:`app.export.text.enrollment_text` reads of a document."""

    def __init__(self, code: str | None, enroll_by: str | None):
        self.enrollment_code = code
        self.enroll_by = enroll_by


def _text_template(filler: Filler) -> tuple[str, str, str] | None:
    """(text before the address block, the part up to the enrolment box, the rest) of a variant
    rendered with tokens, or None when a merge field could change how a line parses."""
    from app.export.text import enrollment_text, render_text
    from app.letters.markup import sanitize

    for line in sanitize(filler.letter.text).split("\n"):
        if "[[recipient:" in line and line.lstrip().startswith(("#", "[[recipient:")):
            return None
    doc = filler.document(_NAME, [_ADDR], _CODE if filler.needs_code else None)
    text = render_text(doc)
    block = f"{_NAME}\n{_ADDR}"
    if text.count(block) != 1:
        return None
    head, rest = text.split(block, 1)
    enrol = enrollment_text(doc)
    if enrol:
        if rest.count(enrol) != 1:
            return None
        before, after = rest.split(enrol, 1)
        return head, before + _BOX, after
    return head, "", rest


class PdfOutput:
    """PDF letters through the bulk path (app.export.merge.bulkpdf)."""

    ext = "pdf"

    def __init__(self, page_size: str):
        from app.export.merge.bulkpdf import BulkPdf

        self.bulk = BulkPdf(page_size)

    def check(self, row: Mapping[str, str]) -> None:
        """Nothing beyond the letter's own checks."""

    def render(self, batch: Sequence[Row]) -> list[tuple[bytes, int | None]]:
        """One PDF per row."""
        return list(self.bulk.render([(f, n, a, c) for f, n, a, c, _ in batch]))


class EmailOutput:
    """An RFC 5322 message per recipient (``.eml``), sent afterwards by the chunk (app.export.smtp)."""

    ext = "eml"

    def __init__(self, sender: str):
        self.sender = sender

    def check(self, row: Mapping[str, str]) -> None:
        """Refuse a row without a usable e-mail address."""
        from email_validator import EmailNotValidError, validate_email

        address = (row.get("email") or "").strip()
        if not address:
            raise Reject("missing_email", "no e-mail address")
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            raise Reject("bad_email", "the e-mail address is not valid") from None

    def render(self, batch: Sequence[Row]) -> list[tuple[bytes, int | None]]:
        """One message per row, addressed to the row's e-mail."""
        from app.export.email import build_email, to_bytes

        out: list[tuple[bytes, int | None]] = []
        for f, name, addr, code, row in batch:
            doc = f.document(name, addr, code)
            msg = build_email(doc, sender=self.sender, to=(row.get("email") or "").strip())
            out.append((to_bytes(msg), None))
        return out


def output_for(
    fmt: str, page_size: str, channel: str, sender: str = ""
) -> TextOutput | PdfOutput | EmailOutput:
    """The output of a job: e-mail for the e-mail channel, else text or PDF."""
    if channel == "email":
        return EmailOutput(sender)
    if fmt == "pdf":
        return PdfOutput(page_size)
    return TextOutput()
