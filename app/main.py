"""create_app(settings): the app factory. Validates what the service reads (folders, rules,
templates), opens and migrates the store, seeds demo data in development, mounts the API and the
pages, and wraps them in the HTTP middleware.

A bad rule or template file stops start-up with `file: field: reason` (RuleLoadError), and a
missing folder with the setting to set (ConfigError), so a typo never silently switches a legal
check off.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from fastapi import FastAPI

from app.api.middleware import BodySizeLimit, RequestContext
from app.api.openapi import install_openapi
from app.api.routes import (
    artifacts,
    audit,
    auth,
    calendar,
    catalog,
    checks,
    comments,
    docs,
    drafts,
    evidence,
    exports,
    health,
    incidents,
    merges,
    obligations,
    plan,
    reviews,
    suggestions,
    tasks,
    users,
    versions,
)
from app.auth.policy import require_markers
from app.checks import syllables
from app.core.config import Settings, check_paths, get_settings
from app.core.handlers import install_error_handlers
from app.core.input_guard import TextGuard
from app.core.security_headers import SecurityHeaders
from app.demo import seed_demo
from app.export import jobs
from app.export.runner import make_runner
from app.letters.artifacts import validate_artifact_templates
from app.letters.render import validate_templates
from app.rulebook.loader import load_rulebook
from app.store.db import Database
from app.store.migrate import upgrade
from app.ui import pages
from app.workflow.context import WorkflowContext

log = logging.getLogger("candor")

# API route modules under app/api/routes/, mounted at /api/v1 (health at the root).
API_ROUTES = (
    drafts,
    checks,
    artifacts,
    obligations,
    catalog,
    auth,
    users,
    incidents,
    versions,
    merges,
    reviews,
    exports,
    audit,
    comments,
    suggestions,
    plan,
    calendar,
    evidence,
    tasks,
)
MERGE_UPLOAD_PATH = "/api/v1/exports/merges"  # the one route allowed bodies up to MAX_UPLOAD_BYTES


def _warm_up_grammar(settings: Settings) -> None:
    """Build the embedded grammar engine in the background (about a second), not on the first check
    (not in the test environment: test processes build many apps and rarely check grammar)."""
    if settings.ENVIRONMENT == "test":
        return
    from app.checks.grammar import grammar_checker_from_settings

    checker = grammar_checker_from_settings(settings)
    warm_up = getattr(checker, "warm_up", None)
    if warm_up is not None:
        import threading

        threading.Thread(target=warm_up, name="candor-grammar-warm-up", daemon=True).start()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI app for `settings` (default: from the environment)."""
    settings = settings or get_settings()
    check_paths(settings)
    rulebook = load_rulebook(Path(settings.RULES_DIR))
    validate_templates(Path(settings.TEMPLATES_DIR))
    validate_artifact_templates(Path(settings.TEMPLATES_DIR))  # Spanish letters, channel templates
    syllables.configure(settings.cache_dir())
    syllables.table().index()  # load (or build once) the syllable table now, not on the first request
    _warm_up_grammar(settings)
    app = FastAPI(
        title="Candor",
        version="0.1.0",
        description="Drafts and checks data-breach notification letters per jurisdiction.",
        docs_url=None,  # served by app.api.routes.docs, with an access marker like every route
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.rulebook = rulebook
    install_error_handlers(app)
    # Innermost first: the text guard runs after the body limit (added below); the
    # security headers wrap everything added so far.
    app.add_middleware(TextGuard)
    app.add_middleware(SecurityHeaders)
    _open_store(app, settings)
    app.include_router(health.router)
    app.include_router(docs.router)
    for module in API_ROUTES:
        app.include_router(module.router, prefix="/api/v1")
    pages.install(app, settings)
    with app.state.db.sessions() as session:
        jobs.cleanup(session, Path(settings.EXPORT_DIR), settings.EXPORT_RETENTION_DAYS)
    app.state.jobs = make_runner(settings, app.state.db, app.state.workflow)
    # Added last runs first: request id and access log wrap everything, then the size limit.
    app.add_middleware(
        BodySizeLimit,
        limit=settings.MAX_BODY_BYTES,
        uploads={MERGE_UPLOAD_PATH: settings.MAX_UPLOAD_BYTES},
    )
    app.add_middleware(RequestContext)
    install_openapi(app)
    require_markers(app)  # deny by default: a route without an access rule stops start-up
    return app


def freeze_loaded() -> None:
    """Move everything loaded so far (rulebook, compiled patterns, templates, the syllable table,
    the grammar engine) out of the cyclic garbage collector's reach, once the app is built and
    before it serves.

    Why: these objects live as long as the process, yet every full collection walks them all (the
    syllable table alone is ~135k entries), and a request that allocates enough pays for that
    walk. `gc.freeze()` keeps them out of every later collection; they are still freed normally
    by reference counting. Collected first so that start-up's garbage is not kept frozen. Called
    by `candor serve`, not by `create_app`: a process that builds many apps (the tests) would
    keep each one's cycles."""
    gc.collect()
    gc.freeze()


def _open_store(app: FastAPI, settings: Settings) -> None:
    """Open the store, apply pending migrations and (when DEMO_DATA is on) seed the demo data."""
    db = Database.for_settings(settings)
    upgrade(db.engine)
    app.state.db = db
    app.state.workflow = WorkflowContext(settings=settings, rulebook=app.state.rulebook)
    if settings.DEMO_DATA:
        seed_demo(db, app.state.workflow)
    log.info("store ready (%s)", db.engine.dialect.name)
