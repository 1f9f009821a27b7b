"""Security headers on every response; the strict set on every HTML page.

Pages show breach data and carry approve/sign-off buttons: they must not be framed (clickjacking),
cached by a shared or back-button cache, or run script that is not ours. So every HTML response
gets a Content-Security-Policy that allows only this origin's scripts and styles (no inline
script), frame-ancestors 'none' plus X-Frame-Options: DENY, Cache-Control: no-store and
Referrer-Policy; every response gets X-Content-Type-Options: nosniff. The API docs page (/docs),
which FastAPI builds from a CDN copy of Swagger UI with an inline start-up script, gets a policy
that allows exactly that and nothing else.
"""

from __future__ import annotations

from typing import Any

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")

ALWAYS = [(b"x-content-type-options", b"nosniff")]


def html_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every HTML response gets (documented in docs/api.md, asserted by tests/ui)."""
    csp = DOCS_CSP if path in DOCS_PATHS else PAGE_CSP
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-frame-options", b"DENY"),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"same-origin"),
    ]


class SecurityHeaders:
    """ASGI middleware adding the headers above (replacing any the route set for the same names)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Add the headers when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra = list(ALWAYS)
                if content_type.startswith(b"text/html"):
                    extra += html_headers(scope["path"])
                names = {k for k, _ in extra}
                message = {
                    **message,
                    "headers": [(k, v) for k, v in headers if k.lower() not in names] + extra,
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)
