"""An incident's page: its letters and its other artifacts side by side, whether they agree, and
the form that drafts one more.

Why a page of its own: beside the letters, a breach team writes the e-mail, the website notice,
the FAQ and call script, the regulator notices, the press statement and the Spanish letters from
the same facts (docs/channels.md); the dashboard stays a list of incidents and their letters.
The form calls the same service as `POST /api/v1/incidents/{id}/drafts` (app.workflow.incidents.
add_draft): a refused request (a regulator notice no law owes, an artifact that exists already)
is shown beside the form with everything typed kept, and nothing is stored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.policy import page
from app.core.errors import AppError
from app.domain.channels import CHANNELS, LANGUAGES
from app.letters.context import TONES
from app.store import repositories as repo
from app.store.models import User
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    EDITOR_ROLES,
    db_session,
    draft_view,
    read_form,
    redirect,
    render,
    workflow_ctx,
)
from app.ui.views import ARTIFACT_NAMES, LANGUAGE_WORDS, artifact_label
from app.workflow import incidents as wf_incidents

router = APIRouter(include_in_schema=False)


def _regulator_laws(request: Request, session: Session, incident_id: int) -> list[str]:
    """The laws that owe a regulator notice under the current facts (`candor obligations`)."""
    from app.domain.obligations import obligations_report

    ctx = workflow_ctx(request)
    facts = repo.current_facts(session, incident_id)
    report = obligations_report(facts, ctx.rulebook, ctx.today())
    return sorted({o.jurisdiction for o in report.obligations if o.obligation == "regulator"})


def _consistency(
    request: Request, session: Session, incident_id: int, drafts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Where the incident's current texts disagree (dates, counts, contacts, data involved, the
    monitoring provider): app.checks.consistency over every draft's current version, with the facts.
    Each mismatch names both places by the artifact's name ("US-CA e-mail (Spanish) line 12")."""
    from app.checks.consistency import Artifact, check_consistency

    names = {d["id"]: f"{d['variant']} {d['kind']} ({d['tone']})" for d in drafts}
    texts = [Artifact(names[d["id"]], repo.get_version(session, d["id"]).text) for d in drafts]
    if len(texts) < 2:
        return []
    facts = repo.current_facts(session, incident_id)
    found = check_consistency(texts, facts, workflow_ctx(request).rulebook)
    ids = {name: draft_id for draft_id, name in names.items()}
    return [
        {
            "artifact": name,
            "href": f"/drafts/{ids[name]}",
            "severity": f.severity.value,
            "message": f.message,
        }
        for name, f in found
    ]


def _incident_page(
    request: Request,
    session: Session,
    user: User,
    incident_id: int,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    incident = repo.get_incident(session, incident_id)
    emails: dict[int, str] = {}
    drafts = [draft_view(session, d, emails) for d in repo.list_drafts(session, incident_id)]
    letters = [d for d in drafts if d["channel"] == "letter" and d["language"] == "en"]
    variants = list(dict.fromkeys(d["variant"] for d in letters))
    regulator_laws = _regulator_laws(request, session, incident_id)
    defaults = {
        "channel": "email",
        "jurisdiction": variants[0] if variants else "",
        "tone": "plain",
        "language": "en",
    }
    return render(
        request,
        "incident.html",
        {
            "title": incident.title,
            "incident": {"id": incident.id, "title": incident.title},
            "letters": letters,
            "artifacts": [d for d in drafts if d not in letters],
            "channels": [(c, ARTIFACT_NAMES[c]) for c in CHANNELS],
            "languages": [(code, LANGUAGE_WORDS[code]) for code in LANGUAGES],
            "tones": TONES,
            "variants": variants,
            "regulator_laws": regulator_laws,
            "values": {**defaults, **(values or {})},
            "error": error,
            "can_add": user.role in EDITOR_ROLES,
            "consistency": _consistency(request, session, incident_id, drafts),
        },
        status=status,
        user=user,
    )


@router.get(
    "/incidents/{incident_id}", response_class=HTMLResponse, dependencies=[page(*ALL_ROLES)]
)
def incident_page(request: Request, incident_id: int) -> Response:
    """The incident's letters beside its other artifacts, and the form for one more."""
    with db_session(request) as session:
        return _incident_page(request, session, auth.current_user(request), incident_id)


@router.post("/incidents/{incident_id}/drafts", dependencies=[page(*EDITOR_ROLES)])
async def add_draft(request: Request, incident_id: int) -> Response:
    """Draft one more letter or artifact (variant × tone × channel × language); a letter no law
    requires is made, with a warning saying why. From the incident page (`back=incident`) a refusal
    is shown beside its form (422, what was typed kept); from the dashboard it is a flash there."""
    form = await read_form(request)
    values = {
        "jurisdiction": str(form.get("jurisdiction", "")).strip().upper(),
        "tone": str(form.get("tone", "plain")),
        "channel": str(form.get("channel", "letter")),
        "language": str(form.get("language", "en")),
    }
    from_incident = form.get("back") == "incident"
    home = f"/incidents/{incident_id}" if from_incident else "/"
    anchor = "#artifacts" if from_incident else f"#inc-{incident_id}"
    with db_session(request) as session:
        user = auth.current_user(request)
        try:
            d = wf_incidents.add_draft(
                session,
                workflow_ctx(request),
                user,
                incident_id,
                values["jurisdiction"],
                values["tone"],
                values["channel"],
                values["language"],
            )
        except AppError as exc:
            session.rollback()
            if from_incident and exc.status < 500:
                return _incident_page(
                    request, session, user, incident_id, values, exc.message, status=422
                )
            return redirect(f"{home}?kind=error&flash={quote(exc.message)}{anchor}")
        kind = artifact_label(d.draft.channel, d.draft.language)
        made = f"Added the {d.draft.variant} {kind} ({values['tone']})."
        if d.warnings:
            note = " ".join([made, *d.warnings])
            return redirect(f"{home}?kind=warning&flash={quote(note)}{anchor}")
        return redirect(f"{home}?flash={quote(made)}{anchor}")
