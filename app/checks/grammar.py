"""Grammar and spelling findings behind one small interface; the engines are adapters.

The rest of Candor sees only `GrammarChecker.check(text) -> GrammarResult`: a list of `Finding`s
and a `GrammarStatus` (`ok`, `unavailable` with a plain reason, or `skipped`). Nothing here
raises to the caller: an engine that fails becomes `unavailable`, and every other check runs.

Engines (`CANDOR_GRAMMAR_ENGINE`):

* `harper` — Harper, Automattic's offline grammar and spelling checker (`harper-py`, Rust, no
  Java, no server): `app/checks/harper_checker.py`. The default.
* `languagetool` — a LanguageTool HTTP server at `CANDOR_LANGUAGETOOL_URL`, through the public
  `language_tool_python` client: `app/checks/languagetool.py`. `auto` picks it when the URL is set.
* `off` — grammar reports `skipped`.

Both check a letter paragraph by paragraph and cache each paragraph's findings, so re-checking
an edited letter only sends the changed paragraphs. The engine (app/checks/engine.py) then drops
every grammar finding inside a protected span or on a word of the letter's own dictionary
(app/checks/protected.py). One checker per configuration is shared by the whole process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, runtime_checkable

from app.checks.base import GRAMMAR_SKIPPED, Finding, GrammarStatus, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from app.core.config import Settings

NOT_CONFIGURED = "no LanguageTool server configured (set CANDOR_LANGUAGETOOL_URL)"
"""Reason reported when LanguageTool is asked for without a URL."""

SKIPPED = GRAMMAR_SKIPPED
"""Reason reported when the caller (or CANDOR_GRAMMAR_ENGINE=off) turned grammar checking off."""

DEFAULT_CACHE_SIZE = 2048
"""Paragraphs whose findings are kept (per checker)."""


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


def quote(fragment: str, limit: int = 40) -> str:
    """A fragment in curly quotes, whitespace collapsed, shortened to `limit` characters."""
    fragment = " ".join(fragment.split()) if fragment.strip() else fragment
    if len(fragment) > limit:
        fragment = fragment[: limit - 1] + "…"
    return f"“{fragment}”"


def fix_hint(bad: str, replacement: str | None) -> str:
    """Say what to change, in words (shared by the engines' findings)."""
    if replacement is None:
        return f"Rephrase {quote(bad)}." if bad.strip() else ""
    if not bad.strip():
        if replacement == "":
            return "Delete the extra whitespace."
        if replacement == " ":
            return "Use a single space."
        return f"Replace the whitespace with {quote(replacement)}."
    if replacement == "":
        return f"Delete {quote(bad)}."
    return f"Change {quote(bad)} to {quote(replacement)}."


def engine_finding(
    *,
    rule: str,
    severity: Severity,
    message: str,
    bad: str,
    suggestion: str | None,
    start: int,
    end: int,
    source: str,
    fallback: str,
) -> Finding:
    """One match of a grammar engine (Harper's lint, LanguageTool's match) as a Finding: the
    engine's message as one sentence, then what to change (`fix_hint`); `fallback` when both
    are empty. Spans are offsets into the text the engine checked (one paragraph)."""
    message = " ".join(message.replace("`", "").split())
    if message and message[-1] not in ".!?":
        message += "."
    return Finding(
        rule=rule,
        check="grammar",
        severity=severity,
        message=f"{message} {fix_hint(bad, suggestion)}".strip() or fallback,
        start=start,
        end=end,
        suggestion=suggestion,
        source=source,
    )


def shifted(findings: Iterable[Finding], offset: int) -> list[Finding]:
    """A paragraph's findings with spans moved by the paragraph's `offset` in the whole text."""
    return [
        f.model_copy(update={"start": offset + (f.start or 0), "end": offset + (f.end or 0)})
        for f in findings
    ]


class LRU:
    """A small thread-safe LRU map (per-paragraph findings)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = max(0, maxsize)
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        """The value for `key` (marked recently used), or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        """Store `value`, dropping the least recently used entries beyond `maxsize`."""
        if self.maxsize == 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


# --------------------------------------------------------------------------- factory


def grammar_checker_from_settings(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> GrammarChecker:
    """The checker the settings ask for, shared by every caller in the process (its paragraph
    cache and its engine are built once): Harper, LanguageTool, or the `skipped` null checker."""
    engine = settings.GRAMMAR_ENGINE
    url = (settings.LANGUAGETOOL_URL or "").strip()
    if engine == "auto":
        engine = "languagetool" if url else "harper"
    if engine == "off":
        return NullGrammarChecker.skipped(f"{SKIPPED} (CANDOR_GRAMMAR_ENGINE=off)")
    if engine == "languagetool":
        if not url:
            from app.checks.languagetool import not_configured_reason

            return NullGrammarChecker(not_configured_reason(environ))
        return _shared(
            "languagetool", url, settings.LANGUAGETOOL_LANGUAGE, float(settings.GRAMMAR_TIMEOUT_S)
        )
    return _shared("harper", "", settings.LANGUAGETOOL_LANGUAGE, 0.0)


@lru_cache(maxsize=16)
def _shared(engine: str, url: str, language: str, timeout_s: float) -> GrammarChecker:
    if engine == "languagetool":
        from app.checks.languagetool import LanguageToolChecker

        return LanguageToolChecker(url, language, timeout_s)
    from app.checks.harper_checker import HarperChecker

    return HarperChecker(language)
