"""create_app(settings): routers, error handlers, UI; loads and validates rules and templates first.

A bad rule or template file stops start-up with `file: field: reason` (RuleLoadError), so a
typo never silently switches a legal check off.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from app.core.config import Settings, get_settings
from app.core.handlers import install_error_handlers
from app.core.input_guard import TextGuard
from app.core.security_headers import SecurityHeaders
from app.letters.render import validate_templates
from app.rulebook.loader import load_rulebook

log = logging.getLogger("candor")

# API route modules under app/api/routes/, mounted at /api/v1 (health at the root).
API_ROUTES = ("drafts", "checks", "obligations", "catalog", "auth", "users", "incidents", "versions", "merges", "reviews", "exports", "audit")
# Hooks run at start-up by later parts (store: migrate + seed; UI: mount pages).
StartupHook = Callable[[FastAPI, Settings], None]
STARTUP_MODULES = ("app.store.startup", "app.export.startup", "app.ui.pages")


def _optional_module(name: str):  # type: ignore[no-untyped-def]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


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
    rulebook = load_rulebook(Path(settings.RULES_DIR))
    validate_templates(Path(settings.TEMPLATES_DIR))
    from app.checks import syllables

    syllables.configure(settings.cache_dir())
    syllables.table().index()  # load (or build once) the syllable table now, not on the first request
    _warm_up_grammar(settings)
    app = FastAPI(
        title="Candor",
        version="0.1.0",
        description="Drafts and checks data-breach notification letters per jurisdiction.",
        docs_url="/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.rulebook = rulebook
    install_error_handlers(app)
    # Innermost first: the text guard runs after the store's body limit and policy (added later);
    # the security headers wrap everything added so far.
    app.add_middleware(TextGuard)
    app.add_middleware(SecurityHeaders)
    from app.api.routes import health

    app.include_router(health.router)
    for name in API_ROUTES:
        module = _optional_module(f"app.api.routes.{name}")
        if module is not None:
            app.include_router(module.router, prefix="/api/v1")
    for name in STARTUP_MODULES:
        module = _optional_module(name)
        if module is not None:
            module.install(app, settings)
    return app
