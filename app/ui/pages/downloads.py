"""Downloads and print from the draft page.

The files come from the API's export routes (app/api/routes/exports.py), so the page and the API
share one access rule (EXPORTERS), one watermark decision and one audit entry per download; the
page only links them, for the roles allowed. "Print letter" renders the letter's Markdown with the
renderer the PDF uses (app.letters.markup) and carries the same DRAFT marking the export would.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from app.auth.policy import page
from app.auth.roles import EXPORTERS
from app.export import assemble
from app.export.document import WATERMARK
from app.letters.markup import to_html
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    db_session,
    draft_view,
    render,
    version_view,
    workflow_ctx,
)
from app.ui.views import artifact_label

router = APIRouter(include_in_schema=False)

LETTER_FORMATS = (
    ("pdf", "PDF"),
    ("docx", "Word (.docx)"),
    ("txt", "Plain text"),
    ("eml", "E-mail (.eml)"),
)
CHECKLIST_FORMATS = (("pdf", "Checklist (PDF)"), ("csv", "Checklist (CSV)"))


def download_links(
    role: str, draft_id: int, version: int, channel: str = "letter"
) -> list[dict[str, str]]:
    """The export links of one version for `role` (none for a role the API would refuse), in the
    formats the artifact exports as (.eml for letters and e-mails: `assemble.export_formats`)."""
    if role not in EXPORTERS:
        return []
    base = f"/api/v1/exports/drafts/{draft_id}"
    formats = assemble.export_formats(channel)
    return [
        {"format": f, "label": label, "href": f"{base}/letter?format={f}&version={version}"}
        for f, label in LETTER_FORMATS
        if f in formats
    ] + [
        {
            "format": f"checklist-{f}",
            "label": label,
            "href": f"{base}/checklist?format={f}&version={version}",
        }
        for f, label in CHECKLIST_FORMATS
    ]


def released(session: Any, request: Request, draft_id: int) -> bool:
    """True when the current version would export without the watermark (approved, current, and
    its per-recipient proof passes with the current facts), the API's rule."""
    draft, ver, _facts, approved = assemble.load_version(session, draft_id, None)
    if not approved:
        return False
    return all(p.ok for p in assemble.export_proof(session, workflow_ctx(request), draft, ver))


@router.get(
    "/drafts/{draft_id}/print",
    response_class=HTMLResponse,
    dependencies=[page(*ALL_ROLES)],
)
def print_letter(request: Request, draft_id: int) -> Response:
    """The formatted letter alone, laid out for printing; marked DRAFT unless it is released."""
    with db_session(request) as session:
        user = auth.current_user(request)
        emails: dict[int, str] = {}
        draft, ver, _facts, _approved = assemble.load_version(session, draft_id, None)
        return render(
            request,
            "print.html",
            {
                "title": f"{artifact_label(draft.channel, draft.language).capitalize()} v{ver.number}",
                "draft": draft_view(session, draft, emails),
                "version": version_view(session, ver, emails),
                # to_html escapes every character of the (untrusted) letter; only its own tags remain.
                "letter_html": Markup(to_html(ver.text)),  # noqa: S704 - escaped by to_html
                "is_draft": not released(session, request, draft_id),
                "watermark": WATERMARK,
            },
            user=user,
        )
