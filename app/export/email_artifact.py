"""The e-mail artifact (`--channel email`) as a ready-to-send .eml message.

Why its own step: the e-mail template writes its `From:` and `Subject:` lines at the top of the
text so reviewers see and check them (the `subject_line` element); the message takes them as
headers and the rest as the body, through the one e-mail builder (app/export/email.py: text and
HTML parts, no attachments, no remote content, DRAFT in the subject until approved).
"""

from __future__ import annotations

import re
from email.message import EmailMessage

from app.export.document import ExportDocument
from app.export.email import build_email

_HEADER = re.compile(r"^(From|Subject|Asunto):[ \t]*(.*?)[ \t]*$", re.IGNORECASE)


def email_message(text: str, organisation: str, *, approved: bool = False) -> EmailMessage:
    """Split the artifact's header lines from its body and build the message."""
    headers: dict[str, str] = {}
    lines = text.splitlines()
    while lines and (m := _HEADER.match(lines[0])):
        key = "Subject" if m.group(1).lower() in ("subject", "asunto") else "From"
        headers[key] = m.group(2)
        lines.pop(0)
    body = "\n".join(lines).strip() + "\n"
    subject = headers.get("Subject") or organisation
    doc = ExportDocument(text=body, title=subject, organisation=organisation, approved=approved)
    return build_email(doc, sender=headers.get("From"), subject=subject)
