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
    """Plain-text letters (``.txt``)."""

    ext = "txt"

    def check(self, row: Mapping[str, str]) -> None:
        """Nothing beyond the letter's own checks."""

    def render(self, batch: Sequence[Row]) -> list[tuple[bytes, int | None]]:
        """One UTF-8 text per row."""
        from app.export.text import render_text  # noqa: PLC0415

        return [
            (render_text(f.document(name, addr, code)).encode("utf-8"), None)
            for f, name, addr, code, _ in batch
        ]


class PdfOutput:
    """PDF letters through the bulk path (app.export.merge.bulkpdf)."""

    ext = "pdf"

    def __init__(self, page_size: str):
        from app.export.merge.bulkpdf import BulkPdf  # noqa: PLC0415

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
        from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415

        address = (row.get("email") or "").strip()
        if not address:
            raise Reject("missing_email", "no e-mail address")
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            raise Reject("bad_email", "the e-mail address is not valid") from None

    def render(self, batch: Sequence[Row]) -> list[tuple[bytes, int | None]]:
        """One message per row, addressed to the row's e-mail."""
        from app.export.email import build_email, to_bytes  # noqa: PLC0415

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
