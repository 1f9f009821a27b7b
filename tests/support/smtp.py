"""A real SMTP server (aiosmtpd) on 127.0.0.1 for e-mail tests, on a port the OS picks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


class _PortZeroController(Controller):
    """aiosmtpd on port 0. Its readiness probe connects to the configured port, so the bound one
    is read first (aiosmtpd has no public way yet: aio-libs/aiosmtpd#388); this override of its
    `_trigger_server` is the one reach into aiosmtpd's internals, kept here."""

    def _trigger_server(self):  # type: ignore[no-untyped-def]
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(handler: Any) -> Iterator[str]:
    """Serve `handler` (aiosmtpd hooks such as `handle_DATA`); yields the server's smtp:// URL."""
    controller = _PortZeroController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
