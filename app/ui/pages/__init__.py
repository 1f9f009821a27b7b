"""Server-rendered browser pages (Jinja + htmx), mounted by `create_app` through `install`.

Pages call the same service functions as the JSON API (app.workflow.*, app.store.repositories),
never the API over HTTP, so the rules (optimistic locking, two-person approval, waivers with
reasons, roles) are the same in both. Templates are documented contracts: each names the context
it expects at its top; docs/ui.md lists them. Autoescape is on and no user text is marked safe.
One module per area: signin, dashboard, incident (letters and other artifacts), editor, downloads (links and print), facts (facts editor,
facts updates, conflicts), history, checklist, merge, plan (notification plan); common holds the
plumbing. Each page declares its own access rule on the route (app.auth.policy.page).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from app.core.config import Settings
from app.ui.pages import (
    checklist,
    dashboard,
    downloads,
    editor,
    facts,
    history,
    incident,
    merge,
    plan,
    signin,
)
from app.ui.pages.common import STATIC_DIR, UI_DIR

HERE = UI_DIR  # app/ui: templates/ and static/ live here

router = APIRouter(include_in_schema=False)
for _area in (
    signin,
    dashboard,
    incident,
    editor,
    downloads,
    facts,
    history,
    checklist,
    merge,
    plan,
):
    router.routes.extend(
        _area.router.routes
    )  # the routes themselves, so policy tests can walk them


def install(app: FastAPI, settings: Settings) -> None:
    """Mount /static and the pages (called by create_app)."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(router)
