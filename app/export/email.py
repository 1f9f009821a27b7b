"""E-mail export of a letter: a ready-to-send ``multipart/alternative`` message.

Why both parts: many recipients read mail as text, and a notice must be readable in any client.
The HTML part uses inline ``style`` attributes only (no ``<style>`` block, no external stylesheet,
no images, no remote URLs of any kind), because mail clients strip head styles and remote content
is both a tracking vector and a phishing signal in a breach notice. All letter text is escaped by
:mod:`app.letters.markup`. An unapproved letter says "DRAFT — NOT APPROVED" in the subject and at
the top of both parts. Header values are cleaned of line breaks (no header injection).
"""

from __future__ import annotations

import email.policy
from email.headerregistry import Address
from email.message import EmailMessage

from app.export.document import (
    WATERMARK,
    ExportDocument,
    enrollment_lines,
    letterhead_lines,
    split_title,
)
from app.export.text import render_text
from app.letters.markup import escape_html, render_html

FONT = "font-family: Arial, Helvetica, sans-serif;"
STYLES = {
    "h1": f"{FONT} font-size: 22px; line-height: 1.25; margin: 0 0 14px 0; color: #111;",
    "h2": f"{FONT} font-size: 18px; margin: 22px 0 8px 0; color: #111;",
    "h3": f"{FONT} font-size: 16px; margin: 16px 0 6px 0; color: #111;",
    "h4": f"{FONT} font-size: 15px; margin: 12px 0 4px 0; color: #111;",
    "h5": f"{FONT} font-size: 15px; margin: 12px 0 4px 0; color: #111;",
    "h6": f"{FONT} font-size: 15px; margin: 12px 0 4px 0; color: #111;",
    "p": f"{FONT} font-size: 15px; line-height: 1.5; margin: 0 0 12px 0; color: #111;",
    "ul": "margin: 0 0 12px 0; padding-left: 24px;",
    "ol": "margin: 0 0 12px 0; padding-left: 24px;",
    "li": f"{FONT} font-size: 15px; line-height: 1.5; margin: 0 0 6px 0; color: #111;",
    "strong": "font-weight: bold;",
    "mark": "background: #ffe08a; color: #7a0000;",
}
"""Inline style per tag for the HTML part."""


def _header_value(text: str) -> str:
    """Collapse whitespace (including CR/LF) so a value cannot start a new header."""
    return " ".join(text.split())


def email_html(doc: ExportDocument) -> str:
    """Build the HTML part: a complete document with inline styles only."""
    e = escape_html
    body: list[str] = []
    if not doc.approved:
        body.append(
            f'<p style="{FONT} font-size: 15px; font-weight: bold; color: #b00000; '
            f'border: 2px solid #b00000; padding: 8px; text-align: center;">'
            f"{e(WATERMARK)} — do not send</p>"
        )
    head = letterhead_lines(doc)
    if head:
        body.append(
            f'<p style="{FONT} font-size: 13px; color: #444; margin: 0 0 18px 0;">'
            f'<strong style="font-size: 16px; color: #111;">{e(head[0])}</strong>'
            + "".join(f"<br>{e(line)}" for line in head[1:])
            + "</p>"
        )
    title, rest = split_title(doc.blocks)
    body.append(render_html(title, styles=STYLES))
    rows = enrollment_lines(doc)
    if rows:
        body.append(
            '<div style="border: 2px solid #111; background: #fff4cc; padding: 10px 16px; '
            'margin: 6px 0 18px 0;">'
            + "".join(
                f'<p style="{FONT} font-size: 15px; margin: 4px 0;"><strong>{e(label)}:'
                f'</strong> <span style="font-size: 19px; font-weight: bold; '
                f'font-family: Consolas, Menlo, monospace;">{e(value)}</span></p>'
                for label, value in rows
            )
            + "</div>"
        )
    body.append(render_html(rest, styles=STYLES))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(_header_value(doc.title))}</title></head>\n"
        '<body style="margin: 0; padding: 0; background: #ffffff;">\n'
        '<div style="max-width: 640px; margin: 0 auto; padding: 20px;">\n'
        + "\n".join(part for part in body if part)
        + "\n</div>\n</body></html>\n"
    )


def build_email(
    doc: ExportDocument,
    *,
    sender: str | Address | None = None,
    to: str | Address | None = None,
    subject: str | None = None,
) -> EmailMessage:
    """Build a multipart/alternative message (text/plain first, then text/html).

    ``subject`` defaults to the title; ``to`` defaults to ``doc.recipient["email"]`` when present.
    Date and Message-ID are left to the sending system.
    """
    msg = EmailMessage(policy=email.policy.SMTP)
    subject = _header_value(subject if subject is not None else doc.title)
    if not doc.approved:
        subject = f"[{WATERMARK}] {subject}"
    msg["Subject"] = subject
    if sender is not None:
        msg["From"] = sender if isinstance(sender, Address) else _header_value(sender)
    if to is None and doc.recipient and doc.recipient.get("email"):
        to = str(doc.recipient["email"])
    if to is not None:
        msg["To"] = to if isinstance(to, Address) else _header_value(to)
    msg.set_content(render_text(doc, width=76), subtype="plain", charset="utf-8")
    msg.add_alternative(email_html(doc), subtype="html", charset="utf-8")
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    """Serialise the message as RFC 5322 bytes (CRLF line endings), e.g. for a ``.eml`` file."""
    return msg.as_bytes(policy=email.policy.SMTP)
