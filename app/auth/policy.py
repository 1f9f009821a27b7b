"""Route access policy: every API route declares which roles may call it; deny by default.

Routes declare their rule with `dependencies=[allow("cmo", "security")]` (or `public()`).
Routes mounted by other modules without a marker get their rule from ROUTE_RULES, enforced by
the PolicyGate middleware; a route with no rule at all answers 403 to everyone, and the access-matrix
test fails on it, so a forgotten rule is caught before release.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from sqlalchemy.orm import Session

from app.auth.identity import check_csrf, identify
from app.auth.roles import ALL
from app.core.errors import AppError, Forbidden, Unauthorized, error_body
from app.store.db import get_db


class Allow:
    """A route's rule: the roles allowed (empty + public=True means no sign-in needed)."""

    def __init__(self, *roles: str, public: bool = False, label: str = ""):
        unknown = set(roles) - ALL
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        self.roles = frozenset(roles)
        self.public = public
        self.label = label

    def __repr__(self) -> str:
        return "Allow(public)" if self.public else f"Allow({', '.join(sorted(self.roles)) or 'nobody'})"

    def __call__(self, request: Request, session: Session = Depends(get_db)) -> None:
        self.check(request, session)

    def check(self, request: Request, session: Session) -> None:
        """Raise 401/403 unless the caller's role is allowed (and CSRF holds for cookie requests)."""
        if self.public:
            return
        ident = identify(request, session)
        if ident is None:
            raise Unauthorized("Sign in, or send `Authorization: Bearer <token>` (create one with `candor users token`).")
        if ident.user.role not in self.roles:
            allowed = ", ".join(sorted(self.roles)) or "no role (this route has no access rule yet)"
            raise Forbidden(f"Your role ({ident.user.role}) cannot do this; it needs one of: {allowed}. "
                            "Ask a user with that role, or an admin to change your role.")
        check_csrf(request, ident)


def allow(*roles: str) -> Any:
    """Dependency marker: only these roles may call the route."""
    return Depends(Allow(*roles))


def allow_any_user() -> Any:
    """Dependency marker: any signed-in user."""
    return Depends(Allow(*sorted(ALL)))


def public() -> Any:
    """Dependency marker: no sign-in needed (stateless endpoints that reveal nothing stored)."""
    return Depends(Allow(public=True))


DENY_ALL = Allow(label="no rule")

# Rules for routes mounted by modules that do not declare their own marker. Key: path prefix
# under /api/v1 (first match wins, longest first). Review each when such a module lands.
ROUTE_RULES: dict[str, Allow] = {
    "/api/v1/drafts:render": Allow(public=True),
    "/api/v1/check": Allow(public=True),  # stateless check of posted text
    "/api/v1/rules": Allow(public=True),  # reference data: the rulebook
    "/api/v1/catalog": Allow(public=True),
    "/api/v1/obligations": Allow(public=True),  # stateless: facts in, deadlines out
    "/api/v1/exports": Allow(*sorted(ALL)),
}


def route_rule(route: APIRoute) -> Allow | None:
    """The rule a route declares (its Allow dependency), else None."""
    for dep in route.dependant.dependencies:
        if isinstance(dep.call, Allow):
            return dep.call
    return None


def table_rule(path: str) -> Allow | None:
    """The ROUTE_RULES entry for a path, longest prefix first."""
    for prefix in sorted(ROUTE_RULES, key=len, reverse=True):
        if path == prefix or path.startswith(prefix):
            return ROUTE_RULES[prefix]
    return None


class PolicyGate:
    """ASGI middleware enforcing ROUTE_RULES (or deny) on /api/v1 routes without their own marker.

    Routes with an Allow dependency enforce it themselves; this gate only handles the rest, so a
    route someone forgot to mark is refused (403) instead of being open.
    """

    def __init__(self, app: Any, fastapi_app: FastAPI):
        self.app = app
        self.fastapi_app = fastapi_app
        self._cache: dict[int, Allow | None] = {}

    def _rule_for(self, scope: dict[str, Any]) -> Allow | None:
        for route in self.fastapi_app.router.routes:
            if not isinstance(route, APIRoute) or not route.path.startswith("/api/v1"):
                continue
            match, _ = route.matches(scope)
            if match is Match.FULL:
                if id(route) not in self._cache:
                    own = route_rule(route)
                    self._cache[id(route)] = None if own is not None else (table_rule(route.path) or DENY_ALL)
                return self._cache[id(route)]
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/v1"):
            await self.app(scope, receive, send)
            return
        rule = self._rule_for(scope)
        if rule is not None and not rule.public:
            request = Request(scope)
            try:
                await run_in_threadpool(_check_outside_route, rule, request, self.fastapi_app)
            except AppError as exc:
                await JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _check_outside_route(rule: Allow, request: Request, app: FastAPI) -> None:
    session = app.state.db.sessions()
    try:
        rule.check(request, session)
    finally:
        session.close()


def unmarked_routes(app: FastAPI) -> list[str]:
    """/api/v1 routes with neither a marker nor a table rule (they answer 403 to everyone)."""
    return [f"{','.join(sorted(r.methods))} {r.path}" for r in app.router.routes
            if isinstance(r, APIRoute) and r.path.startswith("/api/v1") and route_rule(r) is None and table_rule(r.path) is None]
