r"""One guard for every text a request carries: no NUL characters, no lone surrogates.

PostgreSQL refuses NUL in text (a 500 from the driver), SQLite stores it silently, and a lone
surrogate (`"\ud800"` in JSON) cannot be encoded as UTF-8 at all, so it fails wherever the text is
next written. Rather than patching each route and model, this ASGI middleware reads the JSON or
form body (already bounded by the body-size limit) and the query string once, and answers 422 with
the field path of the first bad string before any route runs. Multipart uploads are left to the
route that reads the file (the mail merge validates its CSV itself).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from app.core.handlers import respond

_SURROGATE = re.compile("[\ud800-\udfff]")  # one C-level scan instead of a loop per character
_CHECKED_TYPES = ("application/json", "application/x-www-form-urlencoded")


def bad_char(text: str) -> str | None:
    """What is wrong with `text` (a NUL or a lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000); remove it"
    if _SURROGATE.search(text):
        return "contains a lone surrogate (invalid Unicode, e.g. \\ud800); send valid UTF-8 text"
    return None


def find_bad_string(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first (field path, problem) in a parsed JSON value, keys included."""
    if isinstance(value, str):
        problem = bad_char(value)
        return (path or "(body)", problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            problem = bad_char(str(key))
            if problem:
                return (f"{child} (key)", problem)
            found = find_bad_string(item, child)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = find_bad_string(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _content_type(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.decode("latin-1").split(";")[0].strip().lower()
    return ""


def _parse(body: bytes, content_type: str) -> Any:
    """The body as JSON or form fields; None when it does not parse (the route reports that)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if content_type == "application/json":
        try:
            return json.loads(text)
        except ValueError:
            return None
    return dict(parse_qsl(text, keep_blank_values=True))


class TextGuard:
    """Refuse NUL characters and lone surrogates anywhere in the query string or a JSON/form body (422)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Check the query string and a JSON/form body, then pass the buffered body on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        found = find_bad_string(dict(parse_qsl(query, keep_blank_values=True))) if query else None
        if found is None and "\x00" in scope.get("path", ""):
            found = ("(path)", "contains a NUL character (%00); remove it")
        content_type = _content_type(scope)
        if found is None and content_type in _CHECKED_TYPES:
            chunks, more = [], True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    await self.app(
                        scope, _replay([message]), send
                    )  # a disconnect: let the app see it
                    return
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            parsed = _parse(body, content_type)
            found = find_bad_string(parsed) if parsed is not None else None
            receive = _replay([{"type": "http.request", "body": body, "more_body": False}], receive)
        if found is not None:
            field, problem = found
            response = respond(
                Request(scope),
                422,
                "invalid_input",
                f"Fix this field: {field}: {problem}.",
                [{"field": field, "message": problem}],
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _replay(messages: list[dict[str, Any]], then: Any = None) -> Any:
    """A `receive` that hands back the buffered messages, then defers to the original one."""
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
