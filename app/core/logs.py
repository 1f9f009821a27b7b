"""Logging set-up: plain text (development) or one JSON object per line (CANDOR_LOG_FORMAT=json),
each record carrying the id of the request it belongs to.

Why here and not in uvicorn's config: the CLI and the service log the same way, and the request
id must reach log lines written deep in the workflow without passing it down every call (a
context variable does that). Never log personal data: messages carry ids and counts; the access
line carries the route path without its query string.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("candor_request_id", default="-")
LOG_FORMATS = ("text", "json")

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_HANDLER_NAME = "candor"


class RequestIdFilter(logging.Filter):
    """Add `request_id` (from the current request's context, `-` outside one) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the id; never drops a record."""
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and any `extra` fields
    named in ``EXTRA_FIELDS`` (so an arbitrary `extra` cannot smuggle data into the logs)."""

    EXTRA_FIELDS = ("method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as one line of JSON."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for name in self.EXTRA_FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send the `candor` and `uvicorn` loggers to standard error in `log_format` (idempotent)."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(_TEXT_FORMAT)
    )
    for name in ("candor", "uvicorn"):  # uvicorn.error propagates to uvicorn
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != _HANDLER_NAME] + [handler]
        logger.setLevel(level)
        logger.propagate = False
