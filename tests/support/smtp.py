"""A real SMTP server (aiosmtpd) on 127.0.0.1 for e-mail tests, on a port the OS picks.

aiosmtpd's threaded `Controller` cannot serve on port 0: its start-up probe connects to the
configured port, not the bound one (aio-libs/aiosmtpd#388). Its public `UnthreadedController`
binds without probing, so it runs here on an event loop in a thread of our own, and the port is
read from the documented `server.sockets`. No private aiosmtpd name is used.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import UnthreadedController

_START_TIMEOUT_S = 60.0  # a generous bound for a loaded machine; the bind itself takes milliseconds


class Inbox:
    """An aiosmtpd handler that accepts every message and keeps it, in arrival order, as
    (recipients, raw bytes). The server runs in its own thread, hence the lock. Subclass it and add
    aiosmtpd hooks (such as `handle_RCPT`) to refuse some addresses."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        """Every recipient of every message received so far."""
        with self._lock:
            return [to for tos, _ in self.messages for to in tos]

    def parsed(self) -> list[Message]:
        """The messages received so far, parsed (headers as `m["Subject"]`)."""
        with self._lock:
            return [message_from_bytes(raw) for _, raw in self.messages]


@contextmanager
def smtp_server(handler: Any) -> Iterator[str]:
    """Serve `handler` (aiosmtpd hooks such as `handle_DATA`); yields the server's smtp:// URL."""
    loop = asyncio.new_event_loop()
    controller = UnthreadedController(handler, hostname="127.0.0.1", port=0, loop=loop)
    bound = threading.Event()
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            controller.begin()  # binds in this thread (begin() makes `loop` this thread's loop)
        except BaseException as exc:  # handed to the test's thread below
            failure.append(exc)
            return
        finally:
            bound.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="smtp-server", daemon=True)
    thread.start()
    if not bound.wait(_START_TIMEOUT_S):
        raise TimeoutError(f"the SMTP server did not bind within {_START_TIMEOUT_S:.0f} s")
    if failure:
        thread.join()
        loop.close()
        raise failure[0]
    port = controller.server.sockets[0].getsockname()[1]
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(controller.end)  # close the listener
        controller.ended.wait(_START_TIMEOUT_S)
        loop.call_soon_threadsafe(controller.cancel_tasks)  # cancel open sessions, stop the loop
        thread.join()
        pending = asyncio.all_tasks(loop)
        if pending:  # let the cancelled sessions finish on their own loop before closing it
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
