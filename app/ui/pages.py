"""Server-rendered browser pages (Jinja + htmx), mounted by `create_app` through `install`.

Pages call the same service functions as the JSON API (app.workflow.*, app.store.repositories),
never the API over HTTP, so the rules (optimistic locking, two-person approval, waivers with
reasons, roles) are the same in both. Templates are documented contracts: each names the context
it expects at its top; docs/ui.md lists them. Autoescape is on and no user text is marked safe.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.api.routes.exports import MERGERS
from app.core.config import Settings
from app.core.errors import AppError, Conflict, InvalidInput, NotFound
from app.export import jobs as merge_jobs
from app.export.merge import FORMATS as MERGE_FORMATS
from app.export.merge import MODES as MERGE_MODES
from app.export.plan import APPROVED_STATES
from app.letters.context import TONES
from app.store import repositories as repo
from app.store.checking import check_text
from app.store.models import Draft, DraftVersion, User
from app.ui import auth_bridge as auth
from app.ui.views import (
    FORM_LABELS,
    STATE_LABELS,
    checklist_sections,
    facts_from_form,
    form_choices,
    merge_job_view,
    merge_letters,
    merge_polling,
    readability_targets,
    redline,
)
from app.workflow import drafts as wf_drafts
from app.workflow import incidents as wf_incidents
from app.workflow import reviews as wf_reviews
from app.workflow.context import WorkflowContext

log = logging.getLogger("candor")
HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
HTMX_VERSION = "2.0.11"  # app/ui/static/htmx.min.js, from npm htmx.org@2 (pinned major 2)

ALL_ROLES = ("responder", "cmo", "security", "compliance", "admin")
EDITOR_ROLES = ("responder", "cmo", "security", "admin")  # who may save text and re-draft
WAIVER_ROLES = ("cmo", "security", "compliance", "admin")
MERGE_ROLES = MERGERS  # the API's rule for mail merges (app/api/routes/exports.py): compliance, admin

# Route policy for the pages: (method, path template) -> roles allowed. Deny by default: a page
# page route needs an entry here (`_rule` raises KeyError at import otherwise), and PageAllow
# refuses every role not listed.
PAGE_POLICY: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/"): ALL_ROLES,
    ("GET", "/incidents/new"): ("responder", "admin"),
    ("POST", "/incidents/new"): ("responder", "admin"),
    ("GET", "/drafts/{draft_id}"): ALL_ROLES,
    ("POST", "/drafts/{draft_id}/save"): EDITOR_ROLES,
    ("POST", "/drafts/{draft_id}/tone"): EDITOR_ROLES,
    ("POST", "/drafts/{draft_id}/waivers"): WAIVER_ROLES,
    ("POST", "/drafts/{draft_id}/review"): ("cmo", "security", "compliance"),
    ("GET", "/drafts/{draft_id}/history"): ALL_ROLES,
    ("GET", "/drafts/{draft_id}/diff"): ALL_ROLES,
    ("GET", "/drafts/{draft_id}/checklist"): ALL_ROLES,
    ("POST", "/drafts/{draft_id}/signoff"): ("compliance",),
    ("GET", "/drafts/{draft_id}/print"): ALL_ROLES,
    ("GET", "/incidents/{incident_id}/merge"): MERGE_ROLES,
    ("POST", "/incidents/{incident_id}/merge"): MERGE_ROLES,
    ("GET", "/incidents/{incident_id}/merge/jobs"): MERGE_ROLES,
    ("POST", "/incidents/{incident_id}/merge/jobs/{job_id}/resume"): MERGE_ROLES,
}

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
templates.env.globals["state_labels"] = STATE_LABELS
templates.env.globals["static_url"] = lambda name: f"/static/{name}"
templates.env.globals["merge_roles"] = MERGE_ROLES


# ---- plumbing ----------------------------------------------------------------------------------

@contextmanager
def _session(request: Request) -> Iterator[Session]:
    with request.app.state.db.sessions() as session:
        yield session


def _ctx(request: Request) -> WorkflowContext:
    ctx = getattr(request.app.state, "workflow", None)
    if ctx is None:
        ctx = WorkflowContext(settings=request.app.state.settings, rulebook=request.app.state.rulebook)
    return ctx


def _rule(method: str, path: str) -> list[Any]:
    """The route's access rule from PAGE_POLICY (KeyError here = a page without a rule)."""
    return [Depends(auth.PageAllow(*PAGE_POLICY[(method, path)]))]


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200, user: User | None = None) -> HTMLResponse:
    base = {"user": user, "csrf_token": auth.csrf_token(request), "title": ctx.pop("title", "Candor"),
            "flash": request.query_params.get("flash"), "flash_kind": request.query_params.get("kind")}
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        out[key] = values if key == "data_types" else values[-1]
    return out


def _email(session: Session, user_id: int, cache: dict[int, str]) -> str:
    if user_id not in cache:
        try:
            cache[user_id] = repo.get_user(session, user_id).email
        except NotFound:
            cache[user_id] = f"user {user_id}"
    return cache[user_id]


def _reviews(session: Session, draft: Draft, emails: dict[int, str]) -> list[dict[str, Any]]:
    """Every review of every version, newest version first; reviews of old versions are voided."""
    out = []
    for v in sorted(repo.list_versions(session, draft.id), key=lambda v: -v.number):
        for r in repo.reviews_for(session, v.id):
            decision = "approve" if r.decision in ("approved", "approve") else "request_changes"
            out.append({"role": r.role, "email": _email(session, r.user_id, emails), "version": v.number,
                        "decision": decision, "comment": r.comment, "voided": v.number != draft.current_version,
                        "created_at": r.created_at})
    return out


def _draft_view(session: Session, draft: Draft, emails: dict[int, str]) -> dict[str, Any]:
    incident = repo.get_incident(session, draft.incident_id)
    reviews = _reviews(session, draft, emails)
    return {"id": draft.id, "incident_id": draft.incident_id, "incident_title": incident.title, "variant": draft.variant,
            "jurisdictions": list(draft.jurisdictions), "tone": draft.tone, "state": draft.state,
            "current_version": draft.current_version,
            "approvals": [r for r in reviews if r["decision"] == "approve"],
            "approvals_valid": any(r["decision"] == "approve" and not r["voided"] for r in reviews)}


def _version_view(session: Session, v: DraftVersion, emails: dict[int, str]) -> dict[str, Any]:
    findings = (v.report or {}).get("findings", [])
    return {"number": v.number, "text": v.text, "created_by": _email(session, v.created_by, emails),
            "created_at": v.created_at[:19].replace("T", " ") + " UTC", "finding_count": len(findings)}


def _deadlines(session: Session, request: Request, incident_id: int) -> list[dict[str, Any]]:
    """Notification deadlines from app.domain.obligations (dated ones first; the law's words otherwise)."""
    from app.domain.obligations import obligations_report

    ctx = _ctx(request)
    try:
        report = obligations_report(repo.current_facts(session, incident_id), ctx.rulebook, ctx.today())
    except Exception:  # noqa: BLE001 - one incident's bad facts must not break the dashboard
        log.exception("deadlines for incident %s", incident_id)
        return []
    out = []
    for o in report.obligations:
        if o.due is None:
            continue
        left = "" if o.days_left is None else (f"{-o.days_left} days overdue" if o.days_left < 0 else f"{o.days_left} days left")
        out.append({"jurisdiction": o.jurisdiction, "audience": o.obligation, "due": o.due.isoformat(), "left": left,
                    "overdue": o.days_left is not None and o.days_left < 0, "citation": o.citation})
    return out


# ---- sign-in -------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
    """Sign-in form."""
    return _render(request, "login.html", {"title": "Sign in", "error": None, "email": "", "next_url": _safe_next(next)})


def _safe_next(target: str) -> str:
    """Only same-site paths, never `//host` or a scheme (open-redirect guard)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    """Check the password, set the session cookie and go on to `next`."""
    # No CSRF token before sign-in (there is no session yet); the cookie is SameSite=Lax.
    form = await _form(request)
    email, password, nxt = form.get("email", "").strip(), form.get("password", ""), _safe_next(form.get("next", "/"))
    response = _redirect(nxt)
    with _session(request) as session:
        user = auth.sign_in(request, session, response, email, password)
    if user is None:
        return _render(request, "login.html", {"title": "Sign in", "error": "Wrong email or password, or the account is deactivated.",
                                               "email": email, "next_url": nxt}, status=401)
    return response


@router.post("/logout", dependencies=[Depends(auth.PageAllow(*ALL_ROLES))])
def logout(request: Request) -> Response:
    """End the session and clear the cookie."""
    response = _redirect("/login")
    with _session(request) as session:
        auth.sign_out(request, session, response)
    return response


# ---- dashboard and incidents ---------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse, dependencies=_rule("GET", "/"))
def dashboard(request: Request) -> Response:
    """Every incident with its drafts, states, approvals and notification deadlines."""
    with _session(request) as session:
        user = auth.current_user(request)
        emails: dict[int, str] = {}
        incidents = []
        for inc in repo.list_incidents(session):
            drafts = [_draft_view(session, d, emails) for d in repo.list_drafts(session, inc.id)]
            incidents.append({"id": inc.id, "title": inc.title, "created_at": inc.created_at[:10],
                              "drafts": drafts, "deadlines": _deadlines(session, request, inc.id)})
        return _render(request, "dashboard.html", {"title": "Incidents", "incidents": incidents}, user=user)


def _new_incident_page(request: Request, user: User, values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:
    return _render(request, "incident_new.html", {"title": "New incident", "values": values, "errors": errors,
                                                  "labels": FORM_LABELS, "tones": TONES, **form_choices()},
                   status=status, user=user)


@router.get("/incidents/new", response_class=HTMLResponse, dependencies=_rule("GET", "/incidents/new"))
def new_incident(request: Request) -> Response:
    """The new-incident form."""
    return _new_incident_page(request, auth.current_user(request), {"tone": "plain"}, {})


@router.post("/incidents/new", response_class=HTMLResponse, dependencies=_rule("POST", "/incidents/new"))
async def create_incident(request: Request) -> Response:
    """Validate the form; on errors show them beside their fields with every value kept."""
    values = await _form(request)
    values.pop("csrf_token", None)
    with _session(request) as session:
        user = auth.current_user(request)
        facts, errors = facts_from_form(values)
        tone = values.get("tone") if values.get("tone") in TONES else "plain"
        if facts is None:
            return _new_incident_page(request, user, values, errors, status=422)
        try:
            created = wf_incidents.create_incident(session, _ctx(request), user, facts, title=values.get("title"), tones=[tone])
        except AppError as exc:
            session.rollback()
            return _new_incident_page(request, user, values, {"title": exc.message}, status=exc.status)
        n = len(created.drafts)
        return _redirect(f"/?flash={quote(f'Incident created with {n} draft letter' + ('s' if n != 1 else '') + '.')}#inc-{created.incident.id}")


# ---- draft editor ---------------------------------------------------------------------------------

def _editor_context(request: Request, session: Session, user: User, draft_id: int, review_error: str | None = None) -> dict[str, Any]:
    d = wf_drafts.detail(session, draft_id)
    emails: dict[int, str] = {}
    facts = repo.current_facts(session, d.draft.incident_id)
    ctx = _ctx(request)
    can_edit = user.role in EDITOR_ROLES
    config = {
        "checkUrl": "/api/v1/checks",
        "facts": facts.model_dump(mode="json", exclude_none=True),
        "jurisdictions": list(d.draft.jurisdictions),
        "tone": d.draft.tone,
        "version": d.version.number,
        "targets": readability_targets(ctx.rulebook, d.draft.tone),
        "waivers": {w.finding_id: w.reason for w in d.waivers},
        # Ids of the saved version's findings (the ids waivers name), matched to live findings by rule + span.
        "savedFindings": [{"id": f.id, "rule": f.rule, "start": f.start, "end": f.end} for f in d.report.findings],
        "waiveUrl": f"/drafts/{draft_id}/waivers" if user.role in WAIVER_ROLES else None,
        "debounceMs": 400,
    }
    return {"title": f"Draft {d.draft.variant} v{d.version.number}", "draft": _draft_view(session, d.draft, emails),
            "version": _version_view(session, d.version, emails), "editor_config": config,
            "reviews": _reviews(session, d.draft, emails), "can_edit": can_edit,
            "can_review": user.role in ("cmo", "security", "compliance"), "tones": TONES, "review_error": review_error}


@router.get("/drafts/{draft_id}", response_class=HTMLResponse, dependencies=_rule("GET", "/drafts/{draft_id}"))
def editor(request: Request, draft_id: int) -> Response:
    """The draft editor: text, live findings, readability gauge, tone switch, review panel."""
    with _session(request) as session:
        user = auth.current_user(request)
        return _render(request, "editor.html", _editor_context(request, session, user, draft_id), user=user)


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a whole number.") from None


@router.post("/drafts/{draft_id}/save", response_class=HTMLResponse, dependencies=_rule("POST", "/drafts/{draft_id}/save"))
async def save(request: Request, draft_id: int) -> Response:
    """Save the text as the next version; a stale base version shows the conflict choice (409)."""
    form = await _form(request)
    text = form.get("text", "").replace("\r\n", "\n")
    base = _int(form.get("base_version"), "base_version")
    with _session(request) as session:
        user = auth.current_user(request)
        try:
            d = wf_drafts.save_version(session, _ctx(request), user, draft_id, text, base)
        except Conflict:
            session.rollback()
            draft = repo.get_draft(session, draft_id)
            emails: dict[int, str] = {}
            latest = repo.get_version(session, draft_id, draft.current_version)
            return _render(request, "conflict.html", {
                "title": "Conflicting save", "draft": _draft_view(session, draft, emails), "base_version": base,
                "latest": _version_view(session, latest, emails), "mine": text,
                "diff": redline(latest.text, text), "changed": latest.text != text, "mode": "inline"}, status=409, user=user)
        return _redirect(f"/drafts/{draft_id}?flash={quote(f'Saved as v{d.version.number}.')}")


@router.post("/drafts/{draft_id}/tone", dependencies=_rule("POST", "/drafts/{draft_id}/tone"))
async def switch_tone(request: Request, draft_id: int) -> Response:
    """Re-draft the letter in another tone (after the confirmation box is ticked)."""
    form = await _form(request)
    tone = form.get("tone", "")
    with _session(request) as session:
        user = auth.current_user(request)
        draft = repo.get_draft(session, draft_id)
        if form.get("confirm") != "yes":
            return _redirect(f"/drafts/{draft_id}?kind=error&flash={quote('Tick the box to confirm: re-drafting replaces the text.')}")
        if tone not in TONES:
            return _redirect(f"/drafts/{draft_id}?kind=error&flash={quote('Unknown tone.')}")
        if tone == draft.tone:
            return _redirect(f"/drafts/{draft_id}?flash={quote(f'This draft is already in the {tone} tone.')}")
        existing = next((d for d in repo.list_drafts(session, draft.incident_id)
                         if d.variant == draft.variant and d.tone == tone), None)
        if existing is not None:
            return _redirect(f"/drafts/{existing.id}?flash={quote(f'Opened the existing {tone} draft of this letter.')}")
        incident_id, variant = draft.incident_id, draft.variant
        session.rollback()
        new = wf_incidents.add_draft(session, _ctx(request), user, incident_id, variant, tone)
        return _redirect(f"/drafts/{new.draft.id}?flash={quote(f'Re-drafted in the {tone} tone.')}")


@router.post("/drafts/{draft_id}/waivers", dependencies=_rule("POST", "/drafts/{draft_id}/waivers"))
async def waive(request: Request, draft_id: int) -> Response:
    """Waive one finding of the current version with a reason."""
    form = await _form(request)
    with _session(request) as session:
        user = auth.current_user(request)
        try:
            wf_drafts.waive(session, _ctx(request), user, draft_id, _int(form.get("version"), "version"),
                            form.get("finding_id", ""), form.get("reason", ""))
        except AppError as exc:
            session.rollback()
            return _redirect(f"/drafts/{draft_id}?kind=error&flash={quote(exc.message)}")
        return _redirect(f"/drafts/{draft_id}?flash={quote('Finding waived; the reason is recorded.')}")


@router.post("/drafts/{draft_id}/review", response_class=HTMLResponse, dependencies=_rule("POST", "/drafts/{draft_id}/review"))
async def review(request: Request, draft_id: int) -> Response:
    """Approve or request changes on the current version (htmx: returns the review panel)."""
    form = await _form(request)
    decision, comment = form.get("decision", ""), form.get("comment", "").strip()
    number = _int(form.get("version"), "version")
    with _session(request) as session:
        user = auth.current_user(request)
        error = None
        try:
            if decision == "approve":
                wf_reviews.approve(session, _ctx(request), user, draft_id, number, comment)
            elif decision == "request_changes":
                if not comment:
                    error = "Say what should change: a comment is required to request changes."
                else:
                    wf_reviews.request_changes(session, _ctx(request), user, draft_id, number, comment)
            else:
                error = "Choose approve or request changes."
        except AppError as exc:
            session.rollback()
            error = exc.message
        ctx = _editor_context(request, session, user, draft_id, review_error=error)
        if request.headers.get("HX-Request"):
            # Swapped alone: also refresh the state badge in the page title (out-of-band swap).
            return _render(request, "_review_panel.html", {**ctx, "oob_state": True}, user=user, status=200)
        if error:
            return _redirect(f"/drafts/{draft_id}?kind=error&flash={quote(error)}")
        return _redirect(f"/drafts/{draft_id}?flash={quote('Review recorded.')}")


# ---- history and diff ---------------------------------------------------------------------------------

def _diff_context(session: Session, draft_id: int, a: int | None, b: int | None, mode: str) -> dict[str, Any]:
    versions = sorted(repo.list_versions(session, draft_id), key=lambda v: -v.number)
    by_number = {v.number: v for v in versions}
    newest = versions[0].number
    b = b if b in by_number else newest
    a = a if a in by_number else max(1, b - 1)
    diff = redline(by_number[a].text, by_number[b].text)
    return {"versions": versions, "a": a, "b": b, "diff": diff, "mode": "side" if mode == "side" else "inline",
            "changed": any(op != "equal" for op, _ in diff)}


@router.get("/drafts/{draft_id}/history", response_class=HTMLResponse, dependencies=_rule("GET", "/drafts/{draft_id}/history"))
def history(request: Request, draft_id: int, a: int | None = None, b: int | None = None, mode: str = "inline") -> Response:
    """Version list and a redline diff between any two versions."""
    with _session(request) as session:
        user = auth.current_user(request)
        emails: dict[int, str] = {}
        draft = repo.get_draft(session, draft_id)
        ctx = _diff_context(session, draft_id, a, b, mode)
        ctx["versions"] = [_version_view(session, v, emails) for v in ctx["versions"]]
        return _render(request, "history.html", {"title": "Version history", "draft": _draft_view(session, draft, emails), **ctx}, user=user)


@router.get("/drafts/{draft_id}/diff", response_class=HTMLResponse, dependencies=_rule("GET", "/drafts/{draft_id}/diff"))
def diff(request: Request, draft_id: int, a: int | None = None, b: int | None = None, mode: str = "inline") -> Response:
    """The diff area alone, for htmx."""
    with _session(request) as session:
        user = auth.current_user(request)
        return _render(request, "_diff_area.html", _diff_context(session, draft_id, a, b, mode), user=user)


# ---- checklist and sign-off ----------------------------------------------------------------------------

def _checklist_context(request: Request, session: Session, user: User, draft_id: int, error: str | None = None) -> dict[str, Any]:
    d = wf_drafts.detail(session, draft_id)
    ctx = _ctx(request)
    emails: dict[int, str] = {}
    facts = repo.current_facts(session, d.draft.incident_id)
    # Re-run the checks so the evidence reflects today's rulebook; the stored report is what was approved.
    report = check_text(d.version.text, rulebook=ctx.rulebook, settings=ctx.settings, facts=facts,
                        jurisdictions=tuple(d.draft.jurisdictions), tone=d.draft.tone)
    sections = checklist_sections(report, d.version.text, ctx.rulebook, list(d.draft.jurisdictions))
    waivers = [{"rule": w.rule, "finding_id": w.finding_id, "reason": w.reason, "by": _email(session, w.created_by, emails)}
               for w in d.waivers]
    signoff = None
    if d.sign_off is not None:
        signoff = {"email": _email(session, d.sign_off.user_id, emails), "created_at": d.sign_off.created_at[:19].replace("T", " "),
                   "version": d.version.number, "comment": d.sign_off.comment}
    blockers = []
    if d.draft.state != "approved":
        blockers.append(f"v{d.version.number} is {STATE_LABELS.get(d.draft.state, d.draft.state)}; both the CMO and security must approve it first.")
    return {"title": "Compliance checklist", "draft": _draft_view(session, d.draft, emails),
            "version": _version_view(session, d.version, emails), "sections": sections, "waivers": waivers,
            "reviews": _reviews(session, d.draft, emails), "signoff": signoff, "can_sign": user.role == "compliance",
            "blockers": blockers, "signoff_error": error}


@router.get("/drafts/{draft_id}/checklist", response_class=HTMLResponse, dependencies=_rule("GET", "/drafts/{draft_id}/checklist"))
def checklist(request: Request, draft_id: int) -> Response:
    """Per-jurisdiction compliance checklist with evidence, waivers, approvals and sign-off."""
    with _session(request) as session:
        user = auth.current_user(request)
        return _render(request, "checklist.html", _checklist_context(request, session, user, draft_id), user=user)


@router.post("/drafts/{draft_id}/signoff", response_class=HTMLResponse, dependencies=_rule("POST", "/drafts/{draft_id}/signoff"))
async def signoff(request: Request, draft_id: int) -> Response:
    """Compliance signs off the checklist of the approved current version."""
    form = await _form(request)
    with _session(request) as session:
        user = auth.current_user(request)
        try:
            wf_reviews.sign_off(session, _ctx(request), user, draft_id, _int(form.get("version"), "version"),
                                form.get("comment", "").strip())
        except AppError as exc:
            session.rollback()
            return _render(request, "checklist.html", _checklist_context(request, session, user, draft_id, exc.message),
                           status=exc.status, user=user)
        return _redirect(f"/drafts/{draft_id}/checklist?flash={quote('Checklist signed off.')}")


@router.get("/drafts/{draft_id}/print", response_class=HTMLResponse, dependencies=_rule("GET", "/drafts/{draft_id}/print"))
def print_letter(request: Request, draft_id: int) -> Response:
    """The letter alone, laid out for printing."""
    with _session(request) as session:
        user = auth.current_user(request)
        emails: dict[int, str] = {}
        d = wf_drafts.detail(session, draft_id)
        return _render(request, "print.html", {"title": f"Letter v{d.version.number}", "draft": _draft_view(session, d.draft, emails),
                                               "version": _version_view(session, d.version, emails)}, user=user)


# ---- mail merge ------------------------------------------------------------------------------------
# The jobs are app.export.jobs (the same functions the API's /exports/merges routes call); the page
# shows ids and counts only, never a recipient's name or address. Downloads go to the API's file
# routes, which carry the same role rule (MERGERS) and accept the session cookie.

MERGE_DEFAULTS = {"format": "pdf", "mode": "per-recipient", "tone": "", "page_size": "Letter"}
MERGE_OUTPUT_LINKS = 10  # per-recipient jobs: link this many letters; the manifest names them all
_MERGE_META = {"manifest.csv", "rejects.csv", "summary.json", "merge.json", "merge-state.sqlite"}


def _merge_outputs(out: Path, status: dict[str, Any], limit: int = MERGE_OUTPUT_LINKS) -> tuple[list[str], int]:
    """Output files of a complete job to link (bound variant files, or the first letters), and how many more."""
    if not out.is_dir():
        return [], 0
    found: list[str] = []
    with os.scandir(out) as it:
        top = sorted(e.name for e in it if e.is_file() and e.name not in _MERGE_META and not e.name.startswith((".", "_")))
    found.extend(top[:limit])
    more = max(0, len(top) - limit)
    letters = out / "letters"
    if status.get("mode") == "per-recipient" and letters.is_dir():
        produced = int(((status.get("summary") or {}).get("produced_total")) or status.get("done") or 0)
        shown = 0
        for variant in sorted(letters.iterdir()):
            if not variant.is_dir() or len(found) >= limit:
                continue
            taken: list[str] = []
            with os.scandir(variant) as it:  # stop early: a variant folder may hold many thousand letters
                for e in it:
                    if len(found) + len(taken) >= limit:
                        break
                    if e.is_file() and not e.name.startswith((".", "_")):
                        taken.append(f"letters/{variant.name}/{e.name}")
            found.extend(sorted(taken))
            shown += len(taken)
        more += max(0, produced - shown)
    return found, more


def _merge_jobs(request: Request, incident_id: int) -> list[dict[str, Any]]:
    settings = request.app.state.settings
    export_dir = Path(settings.EXPORT_DIR)
    rows = []
    for status in merge_jobs.list_jobs(export_dir, settings.EXPORT_RETENTION_DAYS, incident_id=incident_id):
        outputs, more = [], 0
        if status.get("status") == "complete":
            outputs, more = _merge_outputs(merge_jobs.job_dir(export_dir, status["id"]) / merge_jobs.OUT, status)
        rows.append(merge_job_view(status, outputs, more))
    return rows


def _merge_context(request: Request, session: Session, incident_id: int, error: str | None = None,
                   values: dict[str, str] | None = None) -> dict[str, Any]:
    incident = repo.get_incident(session, incident_id)
    emails: dict[int, str] = {}
    drafts = []
    for d in repo.list_drafts(session, incident_id):
        view = _draft_view(session, d, emails)
        view["residences"] = list(d.residences or [])
        drafts.append(view)
    letters = merge_letters(drafts, APPROVED_STATES)
    rows = _merge_jobs(request, incident_id)
    return {"title": f"Mail merge: {incident.title}", "incident": {"id": incident.id, "title": incident.title},
            **letters, "jobs": rows, "polling": merge_polling(rows), "error": error,
            "values": {**MERGE_DEFAULTS, **(values or {})}, "formats": MERGE_FORMATS, "modes": MERGE_MODES,
            "tones": sorted({d["tone"] for d in letters["approved"]})}


@router.get("/incidents/{incident_id}/merge", response_class=HTMLResponse, dependencies=_rule("GET", "/incidents/{incident_id}/merge"))
def merge_page(request: Request, incident_id: int) -> Response:
    """Mail merge of one incident: which letters are approved, the upload form, the jobs panel."""
    with _session(request) as session:
        user = auth.current_user(request)
        return _render(request, "merge.html", _merge_context(request, session, incident_id), user=user)


@router.post("/incidents/{incident_id}/merge", response_class=HTMLResponse, dependencies=_rule("POST", "/incidents/{incident_id}/merge"))
async def merge_start(request: Request, incident_id: int) -> Response:
    """Start a merge job (app.export.jobs.start_merge, as the API); a refusal is shown beside the form."""
    form = await request.form()
    upload = form.get("recipients")
    values = {k: str(form.get(k) or default) for k, default in MERGE_DEFAULTS.items()}
    with _session(request) as session:
        user = auth.current_user(request)
        repo.get_incident(session, incident_id)  # 404 for an unknown incident
        error, status = None, 422
        job_id = ""
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = "Choose the recipients CSV file to upload."
        elif values["page_size"] not in ("Letter", "A4"):
            error = "Page size must be Letter or A4."
        elif values["tone"] and values["tone"] not in TONES:
            error = "Unknown tone."
        else:
            settings = request.app.state.settings
            try:
                job_id = merge_jobs.start_merge(
                    session, Path(settings.EXPORT_DIR), retention_days=settings.EXPORT_RETENTION_DAYS,
                    incident_id=incident_id, recipients=upload.file, filename=upload.filename,
                    fmt=values["format"], mode=values["mode"], user=user, tone=values["tone"] or None,
                    page_size=values["page_size"], letterhead=settings.LETTERHEAD)
            except AppError as exc:
                session.rollback()
                error, status = exc.message, exc.status
        if error is not None:
            return _render(request, "merge.html", _merge_context(request, session, incident_id, error, values),
                           status=status if 400 <= status < 500 else 422, user=user)
    return _redirect(f"/incidents/{incident_id}/merge?flash={quote(f'Merge started: job {job_id}.')}#job-{job_id}")


@router.get("/incidents/{incident_id}/merge/jobs", response_class=HTMLResponse,
            dependencies=_rule("GET", "/incidents/{incident_id}/merge/jobs"))
def merge_jobs_panel(request: Request, incident_id: int) -> Response:
    """The jobs panel alone (htmx polls it every second while a job runs)."""
    with _session(request) as session:
        user = auth.current_user(request)
        incident = repo.get_incident(session, incident_id)
    rows = _merge_jobs(request, incident_id)
    return _render(request, "_merge_jobs.html", {"incident": {"id": incident.id, "title": incident.title},
                                                  "jobs": rows, "polling": merge_polling(rows)}, user=user)


@router.post("/incidents/{incident_id}/merge/jobs/{job_id}/resume",
             dependencies=_rule("POST", "/incidents/{incident_id}/merge/jobs/{job_id}/resume"))
def merge_resume(request: Request, incident_id: int, job_id: str) -> Response:
    """Resume an interrupted job of this incident (app.export.jobs.resume, as the API)."""
    settings = request.app.state.settings
    export_dir = Path(settings.EXPORT_DIR)
    back = f"/incidents/{incident_id}/merge"
    try:
        status = merge_jobs.view(export_dir, job_id)
        if status.get("incident_id") != incident_id:
            raise FileNotFoundError(job_id)
        merge_jobs.resume(export_dir, job_id, settings.EXPORT_RETENTION_DAYS)
    except (FileNotFoundError, ValueError):
        raise NotFound(f"Incident {incident_id} has no merge job {job_id} (finished jobs are deleted after "
                       f"{settings.EXPORT_RETENTION_DAYS} days).") from None
    except Conflict as exc:
        return _redirect(f"{back}?kind=error&flash={quote(exc.message)}#job-{job_id}")
    return _redirect(f"{back}?flash={quote(f'Job {job_id} resumed.')}#job-{job_id}")


def install(app: FastAPI, settings: Settings) -> None:
    """Mount /static and the pages (called by create_app)."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(router)
    app.state.ui_policy = PAGE_POLICY
