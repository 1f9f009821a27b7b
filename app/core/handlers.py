"""Map every error to the one JSON shape (API) or the one HTML error page (browser)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError, error_body, pydantic_error_details

log = logging.getLogger("candor")

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                 409: "conflict", 413: "too_large", 415: "bad_request", 422: "invalid_input"}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _respond(request: Request, status: int, code: str, message: str, details: object = None,
             headers: dict[str, str] | None = None) -> Response:
    if _wants_html(request):
        from html import escape

        page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{status} — Candor</title>"
                f"<link rel=stylesheet href=/static/app.css><main class=error-page><h1>{status}</h1>"
                f"<p>{escape(message)}</p><p><a href=/>Back to the dashboard</a></p></main></html>")
        return HTMLResponse(page, status_code=status, headers=headers)
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so no error escapes in another shape (and never as a traceback)."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return _respond(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = pydantic_error_details(list(exc.errors()))
        for d in details:
            # FastAPI prefixes body/query/path; keep the field path the client sent.
            for prefix in ("body.", "query.", "path.", "header."):
                if d["field"].startswith(prefix):
                    d["field"] = d["field"][len(prefix):]
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
        return _respond(request, 422, "invalid_input", f"Fix these fields: {summary}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "bad_request")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = "No such page or resource. Check the URL."
        if exc.status_code == 405:
            message = "This method is not allowed here. Check the API documentation at /docs."
        return _respond(request, exc.status_code, code, message, None, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "internal_error", "Unexpected server error. It has been logged; please try again.")
