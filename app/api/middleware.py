"""ASGI middleware of the HTTP service: the body-size limit and request ids with the access log.

Body-size limit: 413 in the one error shape before a large body is read. Checks Content-Length up
front and counts streamed bytes for chunked bodies, so neither can make the service buffer more
than MAX_BODY_BYTES; a chunked body over the limit gets 413 too, even when the framework caught the
interruption and tried to answer 400.

Request ids: every response carries `X-Request-ID` (a well-formed incoming id is kept, so a
proxy's id follows the request; otherwise a new random one), every log line written while the
request runs carries it (app.core.logs.REQUEST_ID), and one access line per request records the
method, the matched route's path template (`/api/v1/drafts/{draft_id}`: no query strings, no
e-mail addresses or tokens from paths), the status and the duration.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from fastapi.responses import JSONResponse

from app.core.errors import error_body
from app.core.logs import REQUEST_ID

REQUEST_ID_HEADER = b"x-request-id"
_VALID_ID = re.compile(rb"[A-Za-z0-9._-]{8,64}")
access_log = logging.getLogger("candor.access")


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies over `limit` bytes with 413."""

    def __init__(self, app: Any, limit: int, uploads: dict[str, int] | None = None):
        self.app = app
        self.default_limit = limit
        # Path prefix -> larger limit for file uploads (recipient lists for the mail merge).
        self.uploads = uploads or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.uploads.items():
            if path.startswith(prefix):
                return limit
        return self.default_limit

    def _response(self, limit: int) -> JSONResponse:
        return JSONResponse(
            error_body(
                "too_large",
                f"The request body is over the {limit}-byte limit. "
                "Send a smaller body (shorten the letter or split the upload).",
            ),
            status_code=413,
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Refuse an over-long declared body at once; count a streamed one and refuse past the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._response(limit)(scope, receive, send)
                    return
        seen = 0
        started = exceeded = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if exceeded:
                    # The framework turned our _TooLarge into its own error (FastAPI: 400 "error
                    # parsing the body"): answer what really happened instead.
                    raise _TooLarge
                started = True
            if started:
                await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._response(limit)(scope, receive, send)


def _route_path(scope: dict[str, Any]) -> str:
    """The path with each path parameter replaced by `{name}` (`/api/v1/drafts/{draft_id}`), so no
    id, file name or address reaches the log; `-` when no route matched (a 404 logs no raw path)."""
    if scope.get("route") is None:
        return "/static/…" if str(scope.get("path", "")).startswith("/static/") else "-"
    path = str(scope.get("path", ""))
    for name, value in (scope.get("path_params") or {}).items():
        value = str(value)
        if "/" in value and path.endswith("/" + value):  # a {name:path} parameter: the tail
            path = path[: -len(value)] + "{" + name + "}"
            continue
        segments = path.split("/")
        for i in range(len(segments) - 1, -1, -1):
            if segments[i] == value:
                segments[i] = "{" + name + "}"
                break
        path = "/".join(segments)
    return path


class RequestContext:
    """Give each HTTP request an id, echo it in `X-Request-ID`, and write one access log line."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Run the request with its id in context; log it when the response has started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope.get("headers", []) if k == REQUEST_ID_HEADER), b"")
        request_id = incoming.decode() if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER
                ]
                message = {
                    **message,
                    "headers": [*headers, (REQUEST_ID_HEADER, request_id.encode())],
                }
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %s",
                scope.get("method", "-"),
                _route_path(scope),
                status,
                extra={
                    "method": scope.get("method", "-"),
                    "path": _route_path(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            REQUEST_ID.reset(token)
