"""Route access policy: every route declares which roles may call it; deny by default.

One mechanism for the JSON API, the browser pages, health and docs: each route carries an `Allow`
dependency on the route itself — `allow(...)`, `allow_any_user()` or `public()` for the API, and
`page(...)` for pages (the same rule, with two things a browser needs: a signed-out GET is
redirected to the sign-in page instead of answering 401, and a form post may carry its CSRF token
in the form). `require_markers(app)` runs at the end of `create_app` and refuses to start when any
route lacks a marker, so a forgotten rule can never be served open; tests/api/test_access_matrix.py
checks every route × role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.routing import iter_route_contexts
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Mount

from app.auth import csrf
from app.auth.identity import check_csrf, identify
from app.auth.roles import ALL
from app.core.errors import ConfigError, Forbidden, Unauthorized
from app.store.db import READ_METHODS, begin_read, get_db


class Allow:
    """A route's rule: the roles allowed (public=True: no sign-in needed; page=True: browser page)."""

    def __init__(self, *roles: str, public: bool = False, page: bool = False):
        unknown = set(roles) - ALL
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        if not roles and not public:
            raise ValueError("name the roles allowed, or mark the route public()")
        self.roles = frozenset(roles)
        self.public = public
        self.page = page

    def __repr__(self) -> str:
        return "Allow(public)" if self.public else f"Allow({', '.join(sorted(self.roles))})"

    async def __call__(
        self, request: Request, session: Annotated[Session, Depends(get_db)]
    ) -> None:
        """The dependency FastAPI runs before the route: 401/403 (or, for a page, a redirect to sign in)."""
        if self.public:
            return
        form_token = None
        if (
            self.page
            and request.method not in csrf.SAFE_METHODS
            and "form" in request.headers.get("content-type", "")
        ):
            token = (await request.form()).get(csrf.FORM_FIELD)
            form_token = token if isinstance(token, str) else None
        await run_in_threadpool(self._check_in_session, request, session, form_token)

    def _check_in_session(self, request: Request, session: Session, form_token: str | None) -> None:
        """Identify in the request's own session (FastAPI hands the route the same one), so a
        request costs one connection and the route finds the user already loaded.

        A read (GET/HEAD) goes on in the same transaction: one snapshot for the whole request. Any
        other method identifies in a read transaction that ends at once: the check holds no
        transaction (on SQLite, no write lock) while the route runs, so a long stateless request
        (a grammar check) never blocks a writer, and the route's first write opens its own.
        """
        if request.method in READ_METHODS:
            self.check(request, session, form_token)
            return
        begin_read(session)
        try:
            self.check(request, session, form_token)
        finally:
            session.commit()  # ends the read; expire_on_commit is off, so the user stays loaded

    def check(self, request: Request, session: Session, form_token: str | None = None) -> None:
        """Raise 401/403 unless the caller's role is allowed (and CSRF holds for cookie requests)."""
        ident = identify(request, session)
        if ident is None:
            if self.page and request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise StarletteHTTPException(
                    303, "Sign in first.", headers={"Location": f"/login?next={quote(target)}"}
                )
            raise Unauthorized(
                "Sign in, or send `Authorization: Bearer <token>` (create one with `candor users token`)."
            )
        if ident.user.role not in self.roles:
            raise Forbidden(
                f"Your role ({ident.user.role}) cannot do this; it needs one of: "
                f"{', '.join(sorted(self.roles))}. Ask a user with that role, or an admin to change your role."
            )
        check_csrf(request, ident, form_token)


def allow(*roles: str) -> Any:
    """Dependency marker: only these roles may call the route."""
    return Depends(Allow(*roles))


def allow_any_user() -> Any:
    """Dependency marker: any signed-in user."""
    return Depends(Allow(*sorted(ALL)))


def public() -> Any:
    """Dependency marker: no sign-in needed (reference data, health, docs, sign-in itself)."""
    return Depends(Allow(public=True))


def page(*roles: str) -> Any:
    """Dependency marker for a browser page: these roles may open or post it."""
    return Depends(Allow(*roles, page=True))


@dataclass(frozen=True)
class MarkedRoute:
    """One route: path, methods, and the rule it declares (None: no marker)."""

    path: str
    methods: frozenset[str]
    rule: Allow | None


def route_rule(route: Any) -> Allow | None:
    """The rule a route declares (its Allow dependency), else None."""
    dependant = getattr(route, "dependant", None)
    for dep in getattr(dependant, "dependencies", []) or []:
        if isinstance(dep.call, Allow):
            return dep.call
    return None


def all_routes(app: FastAPI) -> list[MarkedRoute]:
    """Every route the app serves (mounted static files aside), with its rule."""
    out = []
    for rc in iter_route_contexts([r for r in app.router.routes if not isinstance(r, Mount)]):
        if rc.path and rc.methods:
            out.append(
                MarkedRoute(path=rc.path_format, methods=frozenset(rc.methods), rule=route_rule(rc))
            )
    return out


def api_routes(app: FastAPI) -> list[MarkedRoute]:
    """The routes under /api/v1."""
    return [r for r in all_routes(app) if r.path.startswith("/api/v1")]


def unmarked_routes(app: FastAPI) -> list[str]:
    """Routes without an access marker, as `METHODS path`."""
    return [f"{','.join(sorted(r.methods))} {r.path}" for r in all_routes(app) if r.rule is None]


def require_markers(app: FastAPI) -> None:
    """Refuse to start (ConfigError) when a route has no access marker: deny by default."""
    missing = unmarked_routes(app)
    if missing:
        raise ConfigError(
            "These routes have no access rule; add dependencies=[allow(...)], [public()] or "
            f"[page(...)] (app/auth/policy.py): {'; '.join(missing)}"
        )
