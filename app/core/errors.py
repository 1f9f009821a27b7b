"""Typed application errors and the one JSON error shape every API error uses.

Body: `{"error": {"code": str, "message": str, "details": [{"field", "message", "value"?}, ...]}}`.
`message` is a sentence that says what to do; `details` is always a list (empty when there is
nothing per field): field paths for validation errors, and for other errors the facts a client
acts on (a 409 names `current_version` with its `value`).
"""

from __future__ import annotations

import re
from typing import Any

_NAMED_FIELD = re.compile(r"^([a-z_][a-z0-9_.]*): ")


class AppError(Exception):
    """An error a user can act on; carries an HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        status: int | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class InvalidInput(AppError):
    """The request or file is well formed but its content is wrong (field paths in details)."""

    status = 422
    code = "invalid_input"


class NotFound(AppError):
    """The named resource does not exist (or the caller may not know that it does)."""

    status = 404
    code = "not_found"


class Conflict(AppError):
    """The request is stale or breaks the workflow (edit of an old version, invalid transition)."""

    status = 409
    code = "conflict"


class Forbidden(AppError):
    """The caller is signed in but their role does not allow this."""

    status = 403
    code = "forbidden"


class Unauthorized(AppError):
    """No valid credentials were presented."""

    status = 401
    code = "unauthorized"


class TooLarge(AppError):
    """The body or text is over the configured limit."""

    status = 413
    code = "too_large"


class RuleLoadError(AppError):
    """A rule or template file is invalid; the service refuses to start. Message: `file: field: reason`."""

    status = 500
    code = "rule_load_error"


class ConfigError(AppError):
    """A setting is unusable (e.g. the audit key); the service or command refuses to start."""

    status = 500
    code = "config_error"


ERROR_CODES: dict[str, str] = {
    "bad_request": "The request is malformed.",
    "invalid_input": "A field is missing or has a wrong value; `details` lists each field path and what to fix.",
    "not_found": "The resource does not exist.",
    "conflict": "The resource changed since you read it, or the action is not allowed in its current state.",
    "forbidden": "Your role does not allow this action.",
    "csrf_failed": "A browser request came without a valid CSRF token; reload the page and try again.",
    "unauthorized": "Sign in or send a valid `Authorization: Bearer` token.",
    "too_large": "The body or text is over the size limit.",
    "method_not_allowed": "The HTTP method is not supported on this path.",
    "rule_load_error": "A rule or template file is invalid.",
    "config_error": "A setting is unusable (for example the audit key); fix the configuration.",
    "merge_refused": "The mail merge cannot start (nothing approved, stale letters, a bad recipients file).",
    "rate_limited": "Too many attempts; wait for the time in the Retry-After header.",
    "internal_error": "Unexpected server error; it has been logged.",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """Build the one error body shape used by every JSON error response (details always a list)."""
    return {"error": {"code": code, "message": message, "details": detail_list(details)}}


def detail_list(details: Any) -> list[dict[str, Any]]:
    """Normalise an error's details to `[{field, message, value?}]`.

    Services may raise with a mapping (`{"current_version": 3}`) because code inside the app reads
    it; clients always get the list: one item per key, a list of objects becoming `key[i]` items.
    """
    if details is None:
        return []
    if isinstance(details, list):
        return [
            d
            if isinstance(d, dict) and "field" in d
            else {"field": "(body)", "message": str(d), "value": d}
            for d in details
        ]
    if isinstance(details, dict):
        out: list[dict[str, Any]] = []
        for key, value in details.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                out.extend(
                    {
                        "field": f"{key}[{i}]",
                        "message": str(v.get("message") or f"see value ({key})"),
                        "value": v,
                    }
                    for i, v in enumerate(value)
                )
            else:
                out.append({"field": str(key), "message": f"{key} is {value}", "value": value})
        return out
    return [{"field": "(body)", "message": str(details)}]


def pydantic_error_details(
    errors: list[dict[str, Any]], *, drop_prefix: int = 0
) -> list[dict[str, str]]:
    """Turn pydantic error dicts into `[{field: "a.b[0]", message}]` a user can act on."""
    out: list[dict[str, str]] = []
    for err in errors:
        loc = [p for p in err.get("loc", ())][drop_prefix:]
        path = ""
        for part in loc:
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += ("." if path else "") + str(part)
        msg = str(err.get("msg", "invalid value"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
            # Cross-field validators name their field as "field: reason"; move it into the path.
            named = _NAMED_FIELD.match(msg)
            if named:
                path = (path + "." if path else "") + named.group(1)
                msg = msg[named.end() :]
        path = path.replace(".[key]", " (key)")
        out.append({"field": path or "(body)", "message": msg})
    return out


def one_line(details: list[dict[str, str]]) -> str:
    """Summarise field errors on one line for the CLI: `field: message; field: message`."""
    return "; ".join(f"{d['field']}: {d['message']}" for d in details)
