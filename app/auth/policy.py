"""Route access policy: every API route declares which roles may call it; deny by default.

Routes declare their rule with `dependencies=[allow("cmo", "security")]` (or `public()`).
Routes mounted by other modules without a marker get their rule from ROUTE_RULES, enforced by
the PolicyGate middleware; a route with no rule at all answers 403 to everyone, and the access-matrix
test fails on it, so a forgotten rule is caught before release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

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
        return (
            "Allow(public)"
            if self.public
            else f"Allow({', '.join(sorted(self.roles)) or 'nobody'})"
        )

    def __call__(self, request: Request, session: Session = Depends(get_db)) -> None:
        self.check(request, session)

    def check(self, request: Request, session: Session) -> None:
        """Raise 401/403 unless the caller's role is allowed (and CSRF holds for cookie requests)."""
        if self.public:
            return
        ident = identify(request, session)
        if ident is None:
            raise Unauthorized(
                "Sign in, or send `Authorization: Bearer <token>` (create one with `candor users token`)."
            )
        if ident.user.role not in self.roles:
            allowed = ", ".join(sorted(self.roles)) or "no role (this route has no access rule yet)"
            raise Forbidden(
                f"Your role ({ident.user.role}) cannot do this; it needs one of: {allowed}. "
                "Ask a user with that role, or an admin to change your role."
            )
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
    "/api/v1/openapi.json": Allow(public=True),
    # Stateless, but they receive breach facts and letter text: signed-in users only.
    "/api/v1/drafts:render": Allow(*sorted(ALL)),
    "/api/v1/checks": Allow(*sorted(ALL)),
    "/api/v1/obligations": Allow(*sorted(ALL)),
    "/api/v1/rules": Allow(public=True),  # reference data (catalog): the rulebook
    "/api/v1/jurisdictions": Allow(public=True),
    "/api/v1/tones": Allow(public=True),
    "/api/v1/elements": Allow(public=True),
    "/api/v1/exports": Allow(*sorted(ALL)),
}


@dataclass(frozen=True)
class ApiRoute:
    """One effective /api/v1 route: path, methods, and the rule it declares (None: no marker)."""

    path: str
    methods: frozenset[str]
    regex: Any
    own_rule: Allow | None

    @property
    def rule(self) -> Allow | None:
        """Its own marker, else its ROUTE_RULES entry, else None (denied to everyone)."""
        return self.own_rule or table_rule(self.path)


def route_rule(route: Any) -> Allow | None:
    """The rule a route declares (its Allow dependency), else None."""
    dependant = getattr(route, "dependant", None)
    for dep in getattr(dependant, "dependencies", []) or []:
        if isinstance(dep.call, Allow):
            return dep.call
    return None


def api_routes(app: FastAPI) -> list[ApiRoute]:
    """Every effective API route under /api/v1 (works with FastAPI's lazily included routers)."""
    out = []
    for rc in iter_route_contexts(app.router.routes):
        path = rc.path
        if not path or not path.startswith("/api/v1") or not rc.methods:
            continue
        out.append(
            ApiRoute(
                path=path,
                methods=frozenset(rc.methods),
                regex=rc.path_regex,
                own_rule=route_rule(rc),
            )
        )
    return out


def table_rule(path: str) -> Allow | None:
    """The ROUTE_RULES entry for a path, longest prefix first."""
    for prefix in sorted(ROUTE_RULES, key=len, reverse=True):
        if path == prefix or path.startswith((prefix + "/", prefix + ":")):
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
        self._cache: list[ApiRoute] = []
        self._cache_key = -1

    def _rule_for(self, scope: dict[str, Any]) -> Allow | None:
        routes = self._routes()
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        for r in routes:
            if r.regex.match(scope["path"]) and method in r.methods:
                return None if r.own_rule is not None else (r.rule or DENY_ALL)
        return None

    def _routes(self) -> list[ApiRoute]:
        key = len(self.fastapi_app.router.routes)
        if self._cache_key != key:
            self._cache, self._cache_key = api_routes(self.fastapi_app), key
        return self._cache

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
                await JSONResponse(
                    error_body(exc.code, exc.message, exc.details), status_code=exc.status
                )(scope, receive, send)
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
    return [f"{','.join(sorted(r.methods))} {r.path}" for r in api_routes(app) if r.rule is None]
