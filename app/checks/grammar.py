"""Grammar and style findings from a LanguageTool server, behind one small adapter.

The rest of Candor sees only `GrammarChecker.check(text) -> GrammarResult`: a list of `Finding`s
and a `GrammarStatus` (`ok`, `unavailable` with a plain reason, or `skipped`). Nothing in here
raises to the caller: an unreachable, hanging or misbehaving server becomes `unavailable`.

`LanguageToolChecker` drives the real `language_tool_python` client against a LanguageTool
HTTP server (`CANDOR_LANGUAGETOOL_URL`, always as a *remote* server so the client never tries to
download LanguageTool). It

* splits the letter into paragraphs (blank-line separated) and sends each one separately;
* caches the findings per (language, paragraph text) in a bounded LRU, so re-checking an edited
  letter only sends the paragraphs that changed (and identical paragraphs once);
* sends the uncached paragraphs in parallel and waits at most `GRAMMAR_TIMEOUT_S` for all of
  them; whatever answered in time is returned (partial results) and the status says what is
  missing; a request that answers late still fills the cache for the next check;
* bounds every HTTP request by the same timeout (the client's own default is 300 s);
* after a failure, answers `unavailable` at once for `retry_after_s` instead of waiting again
  on every keystroke (cached paragraphs are still served).

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
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, runtime_checkable

from app.checks.base import Finding, GrammarStatus, Severity

if TYPE_CHECKING:
    from app.core.config import Settings

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "no LanguageTool server configured (set CANDOR_LANGUAGETOOL_URL)"
"""Reason reported when no LanguageTool URL is set."""

SKIPPED = "grammar check turned off"
"""Reason reported when the caller turned grammar checking off."""

DEFAULT_CACHE_SIZE = 2048
"""Paragraphs whose findings are kept (per checker)."""

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

# language_tool_python.Match corrects offsets through class-level state (the last text seen):
# building Matches for two texts at once in two threads can shift offsets. Build them one at a time.
_MATCH_LOCK = threading.Lock()


class GrammarResult(NamedTuple):
    """What a grammar check returns: findings (offsets into the checked text) and a status."""

    findings: list[Finding]
    status: GrammarStatus


@runtime_checkable
class GrammarChecker(Protocol):
    """Anything that can grammar-check a text. Implementations never raise."""

    def check(self, text: str) -> GrammarResult:
        """Check `text`; return findings with spans into `text`, and whether the check ran."""
        ...


# --------------------------------------------------------------------------- null checkers


class NullGrammarChecker:
    """A checker that does not check: no findings; `unavailable` (or `skipped`) with a reason."""

    def __init__(
        self,
        reason: str = NOT_CONFIGURED,
        *,
        status: Literal["unavailable", "skipped"] = "unavailable",
    ) -> None:
        self.reason = reason
        self.status: Literal["unavailable", "skipped"] = status

    @classmethod
    def skipped(cls, reason: str = SKIPPED) -> NullGrammarChecker:
        """Return the checker to use when the caller turned grammar checking off."""
        return cls(reason, status="skipped")

    def check(self, text: str) -> GrammarResult:
        """Return no findings and the configured status and reason."""
        return GrammarResult([], GrammarStatus(status=self.status, detail=self.reason))

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return f"NullGrammarChecker({self.reason!r}, status={self.status!r})"


# --------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a text: its offset in the text and its text (ends stripped)."""

    start: int
    text: str


def split_paragraphs(text: str) -> list[Paragraph]:
    r"""Split `text` at blank lines; keep each paragraph's offset; drop empty paragraphs.

    Leading and trailing whitespace of a paragraph is not part of it (indentation is not a
    grammar problem). Linear in the text length; any line ending (\\n, \\r\\n, ...) works.
    """
    paragraphs: list[Paragraph] = []
    pos = 0
    para_start: int | None = None
    para_end = 0

    def flush() -> None:
        if para_start is None:
            return
        raw = text[para_start:para_end]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            paragraphs.append(Paragraph(para_start + lead, stripped))

    for line in text.splitlines(keepends=True):
        if line.strip():
            if para_start is None:
                para_start = pos
            para_end = pos + len(line)
        else:
            flush()
            para_start = None
        pos += len(line)
    flush()
    return paragraphs


# --------------------------------------------------------------------------- match -> Finding


def _utf16_end(text: str, start: int, length_utf16: int) -> int:
    """Python index reached by advancing `length_utf16` UTF-16 code units from `start`."""
    end = start
    units = 0
    while units < length_utf16 and end < len(text):
        units += 2 if ord(text[end]) > 0xFFFF else 1
        end += 1
    return end


def _quote(fragment: str, limit: int = 40) -> str:
    fragment = " ".join(fragment.split()) if fragment.strip() else fragment
    if len(fragment) > limit:
        fragment = fragment[: limit - 1] + "…"
    return f"“{fragment}”"


def _fix_hint(bad: str, replacement: str | None) -> str:
    """Say what to change, in words."""
    if replacement is None:
        return f"Rephrase {_quote(bad)}." if bad.strip() else ""
    if not bad.strip():
        if replacement == "":
            return "Delete the extra whitespace."
        if replacement == " ":
            return "Use a single space."
        return f"Replace the whitespace with {_quote(replacement)}."
    if replacement == "":
        return f"Delete {_quote(bad)}."
    return f"Change {_quote(bad)} to {_quote(replacement)}."


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
    end = _utf16_end(text, start, int(match.error_length))
    bad = text[start:end]
    replacements = list(getattr(match, "replacements", None) or [])
    suggestion = replacements[0] if replacements else None
    message = " ".join(str(getattr(match, "message", "") or "").split())
    if message and message[-1] not in ".!?":
        message += "."
    hint = _fix_hint(bad, suggestion)
    full = f"{message} {hint}".strip() if hint else message
    rule_id = str(getattr(match, "rule_id", "") or "UNKNOWN")
    return Finding(
        rule=f"grammar.{rule_id}",
        check="grammar",
        severity=_severity(
            str(getattr(match, "category", "") or ""),
            str(getattr(match, "rule_issue_type", "") or ""),
        ),
        message=full or f"LanguageTool rule {rule_id} matched {_quote(bad)}.",
        start=start,
        end=end,
        suggestion=suggestion,
        source="LanguageTool",
    )


# --------------------------------------------------------------------------- the client


@lru_cache(maxsize=1)
def _client_class() -> type:
    """Return the real client class: bounded timeout, one try per request, thread-safe Matches."""
    from language_tool_python import LanguageTool
    from language_tool_python.match import Match

    class BoundedLanguageTool(LanguageTool):  # type: ignore[misc]
        """`LanguageTool` whose requests give up after `timeout_s` (the library waits 300 s)."""

        def __init__(self, language: str, remote_server: str, timeout_s: float) -> None:
            # Read by LanguageTool._query_server for every request, including the
            # /v2/languages request made by __init__: set it before calling it.
            self._TIMEOUT = timeout_s
            super().__init__(language, remote_server=remote_server)

        def check(self, text: str) -> list[Any]:
            # As LanguageTool.check, but one try (the library retries once: twice the wait on a
            # hanging server) and Match objects built under a lock (see _MATCH_LOCK).
            url = urllib.parse.urljoin(self._url, "check")
            response = self._query_server(
                url, self._create_params(text), num_tries=1, method="post"
            )
            matches = response["matches"]
            with _MATCH_LOCK:
                return [Match(dict(m), text) for m in matches]

    return BoundedLanguageTool


def _errno_text(message: str) -> str | None:
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", message)
    return found.group(1).strip() if found else None


class _LRU:
    """A small thread-safe LRU map."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = max(0, maxsize)
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        if self.maxsize == 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class LanguageToolChecker:
    """Grammar findings from a LanguageTool server at `url`, per paragraph, cached, time-bounded.

    Thread-safe: one instance serves the whole app. The client is created on first use (its
    creation asks the server for its languages) and reused; a failed creation is retried on a
    later check.
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
        self._cache = _LRU(cache_size)
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
        except Exception as exc:  # noqa: BLE001 - the adapter boundary: nothing escapes
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
            except Exception:  # noqa: BLE001
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
        paragraphs = split_paragraphs(text)
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
            for found in results.get(index, ()):
                findings.append(
                    found.model_copy(
                        update={
                            "start": paragraph.start + (found.start or 0),
                            "end": paragraph.start + (found.end or 0),
                        }
                    )
                )
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
        matches = self._get_client().check(paragraph)
        findings = tuple(
            f for f in (match_to_finding(m, paragraph) for m in matches) if f is not None
        )
        self._cache.put(key, findings)
        self._down_until = 0.0  # the server answered: stop short-cutting to `unavailable`
        return findings

    def _get_client(self) -> Any:
        client = self._client
        if client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = _client_class()(
                        self.language, remote_server=self.url, timeout_s=self.timeout_s
                    )
                client = self._client
        return client


# --------------------------------------------------------------------------- local install, factory


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


def grammar_checker_from_settings(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> GrammarChecker:
    """Return the checker the settings ask for: LanguageTool at LANGUAGETOOL_URL, else Null."""
    url = (settings.LANGUAGETOOL_URL or "").strip()
    if not url:
        return NullGrammarChecker(not_configured_reason(environ))
    return LanguageToolChecker(url, settings.LANGUAGETOOL_LANGUAGE, settings.GRAMMAR_TIMEOUT_S)
