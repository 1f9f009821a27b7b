"""Shared plumbing of the browser pages: templates, the role groups their access markers name
(`app.auth.policy.page`), sessions, rendering and the small views (draft, version, reviews) several
pages show."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from app.auth.roles import FACTS_EDITORS, MERGERS
from app.core.errors import InvalidInput, NotFound
from app.core.timestamps import utc_text
from app.store import repositories as repo
from app.store.enums import ReviewDecision
from app.store.models import Draft, DraftVersion, User
from app.ui import auth_bridge as auth
from app.ui.views import STATE_LABELS, artifact_label
from app.workflow.context import WorkflowContext

UI_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = UI_DIR / "static"
HTMX_VERSION = "2.0.11"  # app/ui/static/htmx.min.js, from npm htmx.org@2 (pinned major 2)

ALL_ROLES = ("responder", "cmo", "security", "compliance", "admin")
EDITOR_ROLES = ("responder", "cmo", "security", "admin")  # who may save text and re-draft
WAIVER_ROLES = ("cmo", "security", "compliance", "admin")
MERGE_ROLES = MERGERS  # the API's rule for mail merges (app/auth/roles.py): compliance, admin
FACTS_ROLES = FACTS_EDITORS  # the API's rule for PUT /incidents/{id}/facts: responder, security
CREATOR_ROLES = ("responder", "admin")  # who may open a new incident
FACTS_FORM_ROLES = tuple(dict.fromkeys(("responder", "admin", *FACTS_ROLES)))  # either facts form
REVIEW_ROLES = ("cmo", "security", "compliance")
SIGNOFF_ROLES = ("compliance",)

templates = Jinja2Templates(directory=str(UI_DIR / "templates"))  # autoescape on for .html
templates.env.globals["state_labels"] = STATE_LABELS
templates.env.globals["static_url"] = lambda name: f"/static/{name}"
templates.env.globals["merge_roles"] = MERGE_ROLES
templates.env.globals["facts_roles"] = FACTS_ROLES


@contextmanager
def db_session(request: Request) -> Iterator[Session]:
    """A database session for one page request (closed on exit)."""
    with request.app.state.db.sessions() as session:
        yield session


def workflow_ctx(request: Request) -> WorkflowContext:
    """The app's WorkflowContext (settings, rulebook, clock) for service calls."""
    ctx = getattr(request.app.state, "workflow", None)
    if ctx is None:
        ctx = WorkflowContext(
            settings=request.app.state.settings, rulebook=request.app.state.rulebook
        )
    return ctx


def render(
    request: Request, name: str, ctx: dict[str, Any], status: int = 200, user: User | None = None
) -> HTMLResponse:
    """Render a page template with the shared context (user, CSRF token, title, flash message)."""
    base = {
        "user": user,
        "csrf_token": auth.csrf_token(request),
        "title": ctx.pop("title", "Candor"),
        "flash": request.query_params.get("flash"),
        "flash_kind": request.query_params.get("kind"),
    }
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """A 303 redirect (after a POST, the browser GETs the target)."""
    return RedirectResponse(url, status_code=303)


async def read_form(request: Request) -> dict[str, Any]:
    """The posted form as a dict (last value wins; data_types keeps every value)."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        out[key] = values if key == "data_types" else values[-1]
    return out


def email_of(session: Session, user_id: int, cache: dict[int, str]) -> str:
    """A user's e-mail for display, cached per request."""
    if user_id not in cache:
        try:
            cache[user_id] = repo.get_user(session, user_id).email
        except NotFound:
            cache[user_id] = f"user {user_id}"
    return cache[user_id]


def review_rows(session: Session, draft: Draft, emails: dict[int, str]) -> list[dict[str, Any]]:
    """Every review of every version, newest version first; reviews of old versions are voided.

    Reads the draft's relationships: load drafts with `repo.review_record_loaders()` when a page
    shows many, so this costs no query per version or reviewer.
    """
    out = []
    for v in reversed(draft.versions):
        for r in v.reviews:
            out.append(
                {
                    "role": r.role,
                    "email": r.user.email,
                    "version": v.number,
                    "decision": r.decision,
                    "comment": r.comment,
                    "voided": v.number != draft.current_version,
                    "created_at": r.created_at,
                }
            )
    return out


def draft_view(session: Session, draft: Draft, emails: dict[int, str]) -> dict[str, Any]:
    """What pages show of a draft: incident, variant, state, approvals."""
    reviews = review_rows(session, draft, emails)
    approvals = [r for r in reviews if r["decision"] == ReviewDecision.APPROVED]
    return {
        "id": draft.id,
        "incident_id": draft.incident_id,
        "incident_title": draft.incident.title,
        "variant": draft.variant,
        "jurisdictions": list(draft.jurisdictions),
        "tone": draft.tone,
        "channel": draft.channel,
        "language": draft.language,
        "kind": (kind := artifact_label(draft.channel, draft.language)),  # 'e-mail (Spanish)'
        "kind_title": kind[:1].upper() + kind[1:],  # 'E-mail (Spanish)'
        "state": draft.state,
        "current_version": draft.current_version,
        "facts_changed": _facts_changed(session, draft),
        "approvals": approvals,
        "approvals_valid": any(not r["voided"] for r in approvals),
    }


def _facts_changed(session: Session, draft: Draft) -> bool:
    """The incident has newer facts than those the draft's current text was drafted from."""
    current = next((v for v in draft.versions if v.number == draft.current_version), None)
    if current is None:  # a version saved after `draft.versions` was loaded in this session
        current = repo.get_version(session, draft.id)
    return draft.incident.facts_version > current.facts_version


def version_view(session: Session, v: DraftVersion, emails: dict[int, str]) -> dict[str, Any]:
    """What pages show of a version: number, text, author, time, finding count."""
    findings = (v.report or {}).get("findings", [])
    return {
        "number": v.number,
        "text": v.text,
        "created_by": email_of(session, v.created_by, emails),
        "created_at": utc_text(v.created_at) + " UTC",
        "finding_count": len(findings),
    }


def form_int(value: Any, name: str) -> int:
    """A whole-number form field, or InvalidInput naming the field."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a whole number.") from None
