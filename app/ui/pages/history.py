"""Version history and the redline diff between two versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.policy import page
from app.store import repositories as repo
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    db_session,
    draft_view,
    render,
    version_view,
)
from app.workflow.redline import redline

router = APIRouter(include_in_schema=False)


def _diff_context(
    session: Session, draft_id: int, a: int | None, b: int | None, mode: str
) -> dict[str, Any]:
    versions = sorted(repo.list_versions(session, draft_id), key=lambda v: -v.number)
    by_number = {v.number: v for v in versions}
    newest = versions[0].number
    b = b if b in by_number else newest
    a = a if a in by_number else max(1, b - 1)
    diff = redline(by_number[a].text, by_number[b].text)
    return {
        "versions": versions,
        "a": a,
        "b": b,
        "diff": diff,
        "mode": "side" if mode == "side" else "inline",
        "changed": any(op != "equal" for op, _ in diff),
    }


@router.get(
    "/drafts/{draft_id}/history",
    response_class=HTMLResponse,
    dependencies=[page(*ALL_ROLES)],
)
def history(
    request: Request,
    draft_id: int,
    a: int | None = None,
    b: int | None = None,
    mode: str = "inline",
) -> Response:
    """Version list and a redline diff between any two versions."""
    with db_session(request) as session:
        user = auth.current_user(request)
        emails: dict[int, str] = {}
        draft = repo.get_draft(session, draft_id)
        ctx = _diff_context(session, draft_id, a, b, mode)
        ctx["versions"] = [version_view(session, v, emails) for v in ctx["versions"]]
        return render(
            request,
            "history.html",
            {"title": "Version history", "draft": draft_view(session, draft, emails), **ctx},
            user=user,
        )


@router.get(
    "/drafts/{draft_id}/diff",
    response_class=HTMLResponse,
    dependencies=[page(*ALL_ROLES)],
)
def diff(
    request: Request,
    draft_id: int,
    a: int | None = None,
    b: int | None = None,
    mode: str = "inline",
) -> Response:
    """The diff area alone, for htmx."""
    with db_session(request) as session:
        user = auth.current_user(request)
        return render(
            request, "_diff_area.html", _diff_context(session, draft_id, a, b, mode), user=user
        )
