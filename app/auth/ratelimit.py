"""Sign-in rate limit (the `limits` library, moving window): failed attempts are counted per
e-mail address and per client address, and once either is over CANDOR_LOGIN_RATE_LIMIT further
attempts get 429 with Retry-After until the window moves on. Successful sign-ins do not count,
so a user who signs in often is never locked out by their own use.

Counters live in this process's memory: with several worker processes each keeps its own (the
limit then applies per worker); a shared `limits` storage (Redis, say) would make it global.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.core.errors import AppError


class TooManyAttempts(AppError):
    """Too many failed sign-ins; wait `retry_after` seconds."""

    status = 429
    code = "rate_limited"


class LoginLimiter:
    """Failed-sign-in counters per e-mail and per client address."""

    def __init__(self, rate: str):
        self.item = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def _keys(self, email: str, client: str) -> list[tuple[str, str]]:
        return [("email", email.strip().lower()), ("client", client or "unknown")]

    def check(self, email: str, client: str) -> None:
        """Raise TooManyAttempts (429) while either counter is over the limit."""
        for kind, key in self._keys(email, client):
            if not self.limiter.test(self.item, "login", kind, key):
                reset = self.limiter.get_window_stats(self.item, "login", kind, key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                raise TooManyAttempts(
                    f"Too many failed sign-ins for this {'account' if kind == 'email' else 'address'}; "
                    f"wait {wait} seconds and try again, or ask an admin to reset your password.",
                    headers={"Retry-After": str(wait)},
                )

    def failed(self, email: str, client: str) -> None:
        """Count one failed attempt against both keys."""
        for kind, key in self._keys(email, client):
            self.limiter.hit(self.item, "login", kind, key)
