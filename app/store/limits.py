"""Body-size limit as ASGI middleware: 413 in the one error shape before a large body is read.

Checks Content-Length up front and counts streamed bytes for chunked bodies, so neither can
make the service buffer more than MAX_BODY_BYTES; a chunked body over the limit gets 413 too, even
when the framework caught the interruption and tried to answer 400.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from app.core.errors import error_body


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
        return JSONResponse(error_body("too_large", f"The request body is over the {limit}-byte limit. "
                                       "Send a smaller body (shorten the letter or split the upload)."), status_code=413)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
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
