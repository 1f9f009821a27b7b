"""LanguageTool adapter: findings from a LanguageTool HTTP server, per paragraph, cached, time-bounded.

Used when `CANDOR_LANGUAGETOOL_URL` is set (or `CANDOR_GRAMMAR_ENGINE=languagetool`). It drives
the public `language_tool_python.LanguageTool` client, always with `remote_server` (so the client
never tries to download LanguageTool), and

* sends each paragraph separately and caches the findings per (language, paragraph text) in a
  bounded LRU, so re-checking an edited letter only sends the paragraphs that changed;
* sends the uncached paragraphs in parallel on its own worker threads and waits at most
  `GRAMMAR_TIMEOUT_S` for all of them (the client's own timeout is 300 s, so the bound is ours):
  whatever answered in time is returned (partial results) and the status says what is missing;
  a request that answers late still fills the cache for the next check;
* after a failure, answers `unavailable` at once for `retry_after_s` instead of waiting again on
  every keystroke (cached paragraphs are still served);
* replaces characters outside the Basic Multilingual Plane by U+FFFD before sending, so
  LanguageTool's offsets (UTF-16 units) are Python indices into the paragraph and the client's
  offset correction (class-level state shared by threads) has nothing to correct.

A local LanguageTool install is not started by Candor (see `find_local_languagetool`): when one
is found under `$LTP_PATH`, the "not configured" reason says how to start it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from app.checks import grammar
from app.checks.base import Finding, GrammarStatus, Severity
from app.checks.grammar import (
    DEFAULT_CACHE_SIZE,
    LRU,
    NOT_CONFIGURED,
    GrammarResult,
    engine_finding,
    quote,
    shifted,
)

logger = logging.getLogger(__name__)

# LanguageTool categories / issue types that are matters of style or typography, not errors.
_SUGGESTION_CATEGORIES = frozenset(
    {
        "STYLE",
        "TYPOGRAPHY",
        "REDUNDANCY",
        "PLAIN_ENGLISH",
        "WIKIPEDIA",
        "CREATIVE_WRITING",
        "GENDER_NEUTRALITY",
        "TEXT_ANALYSIS",
        "COLLOQUIALISMS",
        "PUNCTUATION_STYLE",
    }
)
_SUGGESTION_ISSUE_TYPES = frozenset({"style", "typographical", "whitespace", "register"})


def _severity(category: str, issue_type: str) -> Severity:
    if category.upper() in _SUGGESTION_CATEGORIES or issue_type.lower() in _SUGGESTION_ISSUE_TYPES:
        return Severity.suggestion
    return Severity.warning


def match_to_finding(match: Any, text: str) -> Finding | None:
    """Turn one `language_tool_python.Match` on `text` into a Finding with spans into `text`.

    `match.offset` is already a Python index (the client corrects for characters outside the
    BMP, which LanguageTool counts twice); the length is still in UTF-16 units and is converted
    here. Returns None for a match that does not fit the text.
    """
    start = int(match.offset)
    if start < 0 or start > len(text):
        return None
    end = min(len(text), start + max(0, int(match.error_length)))
    bad = text[start:end]
    replacements = list(getattr(match, "replacements", None) or [])
    rule_id = str(getattr(match, "rule_id", "") or "UNKNOWN")
    return engine_finding(
        rule=f"grammar.{rule_id}",
        severity=_severity(
            str(getattr(match, "category", "") or ""),
            str(getattr(match, "rule_issue_type", "") or ""),
        ),
        message=str(getattr(match, "message", "") or ""),
        bad=bad,
        suggestion=replacements[0] if replacements else None,
        start=start,
        end=end,
        source="LanguageTool",
        fallback=f"LanguageTool rule {rule_id} matched {quote(bad)}.",
    )


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def bmp_only(text: str) -> str:
    """`text` with every character outside the BMP replaced by U+FFFD (same Python length, and
    one UTF-16 unit each, so LanguageTool's offsets are Python indices)."""
    return _ASTRAL.sub("\ufffd", text)


def _errno_text(message: str) -> str | None:
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", message)
    return found.group(1).strip() if found else None


class LanguageToolChecker:
    """Grammar findings from a LanguageTool server at `url`, per paragraph, cached, time-bounded.

    Thread-safe: one instance serves the whole process. The client is created on first use, on a
    worker thread (its creation asks the server for its languages, so it is time-bounded too),
    and reused; a failed creation is retried on a later check.
    """

    def __init__(
        self,
        url: str,
        language: str = "en-US",
        timeout_s: float = 5.0,
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
        max_workers: int = 4,
        retry_after_s: float = 30.0,
    ) -> None:
        self.url = url.strip().rstrip("/")
        self.language = language
        self.timeout_s = float(timeout_s)
        self.retry_after_s = float(retry_after_s)
        self._max_workers = max(1, max_workers)
        self._cache = LRU(cache_size)
        self._client: Any | None = None
        self._client_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._inflight: dict[tuple[str, str], Future[tuple[Finding, ...]]] = {}
        self._inflight_lock = threading.RLock()
        self._down_until = 0.0
        self._down_reason = ""

    def __repr__(self) -> str:
        return f"LanguageToolChecker({self.url!r}, {self.language!r}, timeout_s={self.timeout_s:g})"

    # -- public

    def check(self, text: str) -> GrammarResult:
        """Check `text` paragraph by paragraph; never raises (failures are `unavailable`)."""
        try:
            return self._check(text)
        except Exception as exc:
            logger.warning("grammar check failed: %s", exc, exc_info=True)
            return GrammarResult(
                [], GrammarStatus(status="unavailable", detail=self.describe_error(exc))
            )

    def close(self) -> None:
        """Stop the worker threads and release the client."""
        with self._pool_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:
                logger.debug("closing the LanguageTool client failed", exc_info=True)

    def clear_cache(self) -> None:
        """Forget every cached paragraph."""
        self._cache.clear()

    @property
    def cached_paragraphs(self) -> int:
        """How many paragraphs' findings are cached."""
        return len(self._cache)

    def describe_error(self, exc: BaseException) -> str:
        """Describe a failure of the server or the client in one plain line."""
        where = f"LanguageTool at {self.url}"
        seen: set[int] = set()
        chain: list[BaseException] = []
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            chain.append(current)
            current = current.__cause__ or current.__context__
        try:
            import requests

            timeout_types: tuple[type[BaseException], ...] = (
                requests.exceptions.Timeout,
                TimeoutError,
            )
            connection_types: tuple[type[BaseException], ...] = (
                requests.exceptions.ConnectionError,
                ConnectionError,
            )
        except ImportError:  # pragma: no cover - requests comes with language_tool_python
            timeout_types, connection_types = (TimeoutError,), (ConnectionError,)
        for err in chain:
            if isinstance(err, ImportError):
                return f"language-tool-python is not installed ({err})"
            if isinstance(err, timeout_types):
                return self._timeout_reason()
        for err in chain:
            if isinstance(err, connection_types):
                why = _errno_text(str(err)) or "connection failed"
                return f"{where} is not reachable ({why})"
        text = " ".join(str(exc).split()) or type(exc).__name__
        if "unsupported language" in text.lower():
            return f"{where} does not support language {self.language!r}"
        if len(text) > 200:
            text = text[:199] + "…"
        return f"{where} failed: {text}"

    # -- internals

    def _timeout_reason(self) -> str:
        return f"LanguageTool at {self.url} did not answer within {self.timeout_s:g} s"

    def _check(self, text: str) -> GrammarResult:
        paragraphs = grammar.split_paragraphs(text)
        results: dict[int, tuple[Finding, ...]] = {}
        missing: list[tuple[int, tuple[str, str]]] = []
        for index, paragraph in enumerate(paragraphs):
            key = (self.language, paragraph.text)
            cached = self._cache.get(key)
            if cached is None:
                missing.append((index, key))
            else:
                results[index] = cached

        failure: str | None = None
        if missing:
            if time.monotonic() < self._down_until:
                failure = self._down_reason
            else:
                futures = {index: self._submit(key) for index, key in missing}
                done, _ = wait(set(futures.values()), timeout=self.timeout_s)
                for index, future in futures.items():
                    if future not in done:
                        failure = failure or self._timeout_reason()
                        continue
                    error = future.exception()
                    if error is None:
                        results[index] = future.result()
                    else:
                        failure = failure or self.describe_error(error)
                if failure:
                    self._mark_down(failure)

        findings: list[Finding] = []
        for index, paragraph in enumerate(paragraphs):
            findings.extend(shifted(results.get(index, ()), paragraph.start))
        findings.sort(key=Finding.sort_key)

        if failure is None:
            return GrammarResult(findings, GrammarStatus(status="ok"))
        if results:
            failure += f"; grammar findings cover {len(results)} of {len(paragraphs)} paragraphs"
        return GrammarResult(findings, GrammarStatus(status="unavailable", detail=failure))

    def _mark_down(self, reason: str) -> None:
        if self.retry_after_s > 0:
            self._down_reason = reason
            self._down_until = time.monotonic() + self.retry_after_s

    def _pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self._max_workers, thread_name_prefix="candor-grammar"
                )
            return self._executor

    def _submit(self, key: tuple[str, str]) -> Future[tuple[Finding, ...]]:
        """Return the request for this paragraph: one already on its way, or a new one."""
        with self._inflight_lock:
            future = self._inflight.get(key)
            if future is None:
                future = self._pool().submit(self._fetch, key)
                self._inflight[key] = future
                future.add_done_callback(lambda f, key=key: self._forget(key, f))
            return future

    def _forget(self, key: tuple[str, str], future: Future[tuple[Finding, ...]]) -> None:
        with self._inflight_lock:
            if self._inflight.get(key) is future:
                del self._inflight[key]

    def _fetch(self, key: tuple[str, str]) -> tuple[Finding, ...]:
        _, paragraph = key
        matches = self.client().check(bmp_only(paragraph))
        findings = tuple(
            f for f in (match_to_finding(m, paragraph) for m in matches) if f is not None
        )
        self._cache.put(key, findings)
        self._down_until = 0.0  # the server answered: stop short-cutting to `unavailable`
        return findings

    def client(self) -> Any:
        """The language_tool_python `LanguageTool` for the remote server, made on first use."""
        client = self._client
        if client is None:
            with self._client_lock:
                if self._client is None:
                    from language_tool_python import LanguageTool

                    self._client = LanguageTool(self.language, remote_server=self.url)
                client = self._client
        return client


def find_local_languagetool(
    environ: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which
) -> Path | None:
    """Find the newest `$LTP_PATH/LanguageTool-*/` folder with `languagetool-server.jar`.

    Only when `java` is on PATH.

    Candor does not start it (language_tool_python's local mode restarts the server on any
    failed request and tries hundreds of ports when Java fails): it is only used to give a
    better "not configured" reason.
    """
    environ = os.environ if environ is None else environ
    root = environ.get("LTP_PATH")
    if not root or which("java") is None:
        return None
    try:
        jars = sorted(Path(root).glob("LanguageTool-*/languagetool-server.jar"))
    except OSError:
        return None
    return jars[-1].parent if jars else None


def not_configured_reason(environ: Mapping[str, str] | None = None) -> str:
    """Say why grammar is unavailable without a URL (and how to start a local install, if found)."""
    local = find_local_languagetool(environ)
    if local is None:
        return NOT_CONFIGURED
    return (
        f"{NOT_CONFIGURED}; LanguageTool is installed at {local}: start it with "
        f"`java -cp {local / 'languagetool-server.jar'} org.languagetool.server.HTTPServer "
        "--port 8081` "
        "and set CANDOR_LANGUAGETOOL_URL=http://localhost:8081"
    )
