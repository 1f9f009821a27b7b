"""Map every error to the one JSON shape (API) or the one HTML error page (browser)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError, error_body, pydantic_error_details

log = logging.getLogger("candor")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "bad_request",
    422: "invalid_input",
}


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (the router names only the first route's)."""
    path = request.url.path
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(path):
            methods |= set(route.methods)
    return sorted(methods)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def respond(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: object = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as the HTML error page (browser pages) or the one JSON error body (everything else)."""
    if _wants_html(request):
        from html import escape

        page = (
            f"<!doctype html><html lang=en><meta charset=utf-8><title>{status} — Candor</title>"
            f"<link rel=stylesheet href=/static/app.css><main class=error-page><h1>{status}</h1>"
            f"<p>{escape(message)}</p><p><a href=/>Back to the dashboard</a></p></main></html>"
        )
        return HTMLResponse(page, status_code=status, headers=headers)
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so no error escapes in another shape (and never as a traceback)."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return respond(request, exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = pydantic_error_details(list(exc.errors()))
        for d in details:
            # FastAPI prefixes body/query/path; keep the field path the client sent.
            for prefix in ("body.", "query.", "path.", "header."):
                if d["field"].startswith(prefix):
                    d["field"] = d["field"][len(prefix) :]
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
        return respond(request, 422, "invalid_input", f"Fix these fields: {summary}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "bad_request")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = "No such page or resource. Check the URL."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            message = "This method is not allowed here. Check the API documentation at /docs."
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return respond(request, exc.status_code, code, message, None, headers)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> Response:
        # Dates near year 9999 overflow the deadline maths; integers beyond 64 bits overflow the store.
        return respond(
            request,
            422,
            "invalid_input",
            "A date or number is out of range: dates must leave room for the notification deadlines "
            "(well before year 9999) and numbers must be realistic.",
            [{"field": "(body)", "message": "a date or number is out of range"}],
        )

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> Response:
        # The database refused a value the request validation let through (an integer beyond the
        # column's range, say); the transaction is rolled back with the session.
        log.warning(
            "database refused a value on %s %s: %s",
            request.method,
            request.url.path,
            exc.orig.__class__.__name__,
        )
        return respond(
            request,
            422,
            "invalid_input",
            "A value is out of range for the store (a number too large or a text too long); check the request.",
            [{"field": "(body)", "message": "a value is out of range"}],
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return respond(
            request,
            500,
            "internal_error",
            "Unexpected server error. It has been logged; please try again.",
        )
