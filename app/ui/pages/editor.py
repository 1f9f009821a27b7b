"""The draft editor: text, live findings, tone switch, waivers and the review panel."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.policy import page
from app.core.errors import AppError, Conflict
from app.letters.context import TONES
from app.store import repositories as repo
from app.store.models import User
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    EDITOR_ROLES,
    REVIEW_ROLES,
    WAIVER_ROLES,
    db_session,
    draft_view,
    form_int,
    read_form,
    redirect,
    render,
    review_rows,
    version_view,
    workflow_ctx,
)
from app.ui.pages.downloads import download_links
from app.ui.pages.facts import conflict_page
from app.ui.views import artifact_label, gauge, readability_targets
from app.workflow import drafts as wf_drafts
from app.workflow import reviews as wf_reviews
from app.workflow import suggestions as wf_suggestions

router = APIRouter(include_in_schema=False)

# Findings must show <= 300 ms after typing stops, this wait included (bench/bench_editor.py).
DEBOUNCE_MS = 100


def _editor_context(
    request: Request, session: Session, user: User, draft_id: int, review_error: str | None = None
) -> dict[str, Any]:
    d = wf_drafts.detail(session, draft_id)
    emails: dict[int, str] = {}
    facts = repo.current_facts(session, d.draft.incident_id)
    ctx = workflow_ctx(request)
    can_edit = user.role in EDITOR_ROLES
    config = {
        "checkUrl": "/api/v1/checks",
        "facts": facts.model_dump(mode="json", exclude_none=True),
        "jurisdictions": list(d.draft.jurisdictions),
        "tone": d.draft.tone,
        "version": d.version.number,
        # the artifact's own rules: an e-mail is checked as an e-mail, a Spanish letter in Spanish
        "channel": d.draft.channel,
        "language": d.draft.language,
        "gauge": gauge(
            readability_targets(ctx.rulebook, d.draft.tone, d.draft.channel, d.draft.language)
        ),
        "waivers": {w.finding_id: w.reason for w in d.waivers},
        # Ids of the saved version's findings (the ids waivers name), matched to live findings by rule + span.
        "savedFindings": [
            {"id": f.id, "rule": f.rule, "start": f.start, "end": f.end} for f in d.report.findings
        ],
        "waiveUrl": f"/drafts/{draft_id}/waivers" if user.role in WAIVER_ROLES else None,
        "debounceMs": DEBOUNCE_MS,
        "draftId": draft_id,
        "userId": user.id,  # dismissals are kept per user and version (editor.js)
        "canEdit": can_edit,
        "commentsUrl": f"/api/v1/drafts/{draft_id}/comments",
        "suggestionsUrl": f"/api/v1/drafts/{draft_id}/suggestions",
        "canDecide": user.role in wf_suggestions.DECIDERS,
    }
    return {
        "title": f"Draft {d.draft.variant} {artifact_label(d.draft.channel, d.draft.language)} v{d.version.number}",
        "draft": draft_view(session, d.draft, emails),
        "version": version_view(session, d.version, emails),
        "editor_config": config,
        "reviews": review_rows(session, d.draft, emails),
        "can_edit": can_edit,
        "to_acknowledge": [
            {"rule": f.rule, "message": f.message}
            for f in wf_reviews.needs_acknowledgement(d.report)
        ],
        "stale_reasons": d.stale_reasons,
        "can_review": user.role in ("cmo", "security", "compliance"),
        "tones": TONES,
        "review_error": review_error,
        "downloads": download_links(user.role, draft_id, d.version.number, d.draft.channel),
        "facts_update": {
            "from_facts": d.version.facts_version,
            "to_facts": d.incident_facts_version,
        }
        if d.facts_changed
        else None,
    }


@router.get(
    "/drafts/{draft_id}",
    response_class=HTMLResponse,
    dependencies=[page(*ALL_ROLES)],
)
def editor(request: Request, draft_id: int) -> Response:
    """The draft editor: text, live findings, readability gauge, tone switch, review panel."""
    with db_session(request) as session:
        user = auth.current_user(request)
        return render(
            request, "editor.html", _editor_context(request, session, user, draft_id), user=user
        )


@router.post(
    "/drafts/{draft_id}/save",
    response_class=HTMLResponse,
    dependencies=[page(*EDITOR_ROLES)],
)
async def save(request: Request, draft_id: int) -> Response:
    """Save the text as the next version; a stale base version shows the conflict choice (409)."""
    form = await read_form(request)
    text = form.get("text", "").replace("\r\n", "\n")
    base = form_int(form.get("base_version"), "base_version")
    with db_session(request) as session:
        user = auth.current_user(request)
        try:
            d = wf_drafts.save_version(session, workflow_ctx(request), user, draft_id, text, base)
        except Conflict as exc:
            session.rollback()
            if isinstance(exc.details, dict) and exc.details.get("overlaps"):
                return conflict_page(request, session, user, draft_id, base, text)
            return redirect(f"/drafts/{draft_id}?kind=error&flash={quote(exc.message)}")
        msg = f"Saved as v{d.version.number}."
        if d.merged:
            msg = (
                f"Saved as v{d.version.number}: merged with v{d.merged['merged_with']}, saved meanwhile "
                f"(their changes and yours are both kept)."
            )
        return redirect(f"/drafts/{draft_id}?flash={quote(msg)}")


@router.post("/drafts/{draft_id}/tone", dependencies=[page(*EDITOR_ROLES)])
async def switch_tone(request: Request, draft_id: int) -> Response:
    """Re-draft the letter from the current facts, in this or another tone (after the confirmation box
    is ticked): the text is replaced by a new version of the same draft, with the same scope."""
    form = await read_form(request)
    tone = form.get("tone", "")
    with db_session(request) as session:
        user = auth.current_user(request)
        draft = repo.get_draft(session, draft_id)
        if form.get("confirm") != "yes":
            return redirect(
                f"/drafts/{draft_id}?kind=error&flash={quote('Tick the box to confirm: re-drafting replaces the text.')}"
            )
        if tone not in TONES:
            return redirect(f"/drafts/{draft_id}?kind=error&flash={quote('Unknown tone.')}")
        existing = next(
            (
                d
                for d in repo.list_drafts(session, draft.incident_id)
                if d.id != draft.id and wf_drafts.same_artifact(d, draft) and d.tone == tone
            ),
            None,
        )
        if existing is not None:
            return redirect(
                f"/drafts/{existing.id}?flash={quote(f'Opened the existing {tone} draft of this letter.')}"
            )
        base = form_int(form.get("base_version"), "base_version")
        same = tone == draft.tone
        session.rollback()
        try:
            d = wf_drafts.redraft(session, workflow_ctx(request), user, draft_id, tone, base)
        except AppError as exc:
            session.rollback()
            return redirect(f"/drafts/{draft_id}?kind=error&flash={quote(exc.message)}")
        what = "Re-drafted from the current facts" if same else f"Re-drafted in the {tone} tone"
        return redirect(
            f"/drafts/{draft_id}?flash={quote(f'{what}: the text is replaced as v{d.version.number} (see the history).')}"
        )


@router.post("/drafts/{draft_id}/waivers", dependencies=[page(*WAIVER_ROLES)])
async def waive(request: Request, draft_id: int) -> Response:
    """Waive one finding of the current version with a reason."""
    form = await read_form(request)
    with db_session(request) as session:
        user = auth.current_user(request)
        try:
            wf_drafts.waive(
                session,
                workflow_ctx(request),
                user,
                draft_id,
                form_int(form.get("version"), "version"),
                form.get("finding_id", ""),
                form.get("reason", ""),
            )
        except AppError as exc:
            session.rollback()
            return redirect(f"/drafts/{draft_id}?kind=error&flash={quote(exc.message)}")
        return redirect(
            f"/drafts/{draft_id}?flash={quote('Finding waived; the reason is recorded.')}"
        )


@router.post(
    "/drafts/{draft_id}/review",
    response_class=HTMLResponse,
    dependencies=[page(*REVIEW_ROLES)],
)
async def review(request: Request, draft_id: int) -> Response:
    """Approve or request changes on the current version (htmx: returns the review panel)."""
    form = await read_form(request)
    decision, comment = form.get("decision", ""), form.get("comment", "").strip()
    number = form_int(form.get("version"), "version")
    with db_session(request) as session:
        user = auth.current_user(request)
        error = None
        try:
            if decision == "approve":
                acknowledged = []
                if (
                    form.get("acknowledge") == "yes"
                ):  # the panel listed this version's open warnings
                    report = wf_drafts.detail(session, draft_id, number).report
                    acknowledged = [f.id for f in wf_reviews.needs_acknowledgement(report)]
                wf_reviews.approve(
                    session,
                    workflow_ctx(request),
                    user,
                    draft_id,
                    number,
                    comment,
                    acknowledged=acknowledged,
                )
            elif decision == "request_changes":
                if not comment:
                    error = "Say what should change: a comment is required to request changes."
                else:
                    wf_reviews.request_changes(
                        session, workflow_ctx(request), user, draft_id, number, comment
                    )
            else:
                error = "Choose approve or request changes."
        except AppError as exc:
            session.rollback()
            error = exc.message
        ctx = _editor_context(request, session, user, draft_id, review_error=error)
        if request.headers.get("HX-Request"):
            # Swapped alone: also refresh the state badge in the page title (out-of-band swap).
            return render(
                request, "_review_panel.html", {**ctx, "oob_state": True}, user=user, status=200
            )
        if error:
            return redirect(f"/drafts/{draft_id}?kind=error&flash={quote(error)}")
        return redirect(f"/drafts/{draft_id}?flash={quote('Review recorded.')}")
