"""Harper adapter: offline grammar and spelling findings, per paragraph, cached. The default engine.

Harper (Automattic's grammar checker, Rust, through `harper-py`) runs in-process: no Java, no
server, nothing downloaded, so grammar works on a locked-down laptop during an incident. Only
its public API is used: `Linter(dialect).organized_lints(text, regex_mask=...)`, which gives each
lint with the name of the rule that produced it (the finding's rule id: `grammar.harper.<Rule>`).

* Building the linter takes about a second; one linter per process is built on first use (or at
  start-up, `warm_up`) and reused. It is not thread-safe, so calls are serialised by a lock.
* Each paragraph's findings are cached (bounded LRU), so an edited letter only re-lints the
  paragraphs that changed; Harper lints a 700-word letter in ~15 ms once warm.
* Severity: grammar mistakes (agreement, a/an, repeated words, typos like "teh") are warnings;
  spelling, word choice and style are suggestions (a name Harper does not know is not an error,
  and "suggestions stay suggestions" keeps the checker from crying wolf). Harper's sentence-length
  lints are dropped: the readability check already judges sentences.
* `[[…]]` markers, URLs and e-mail addresses are masked from Harper; the engine also drops
  anything inside protected spans or on the letter's own names.
* `disk_cache` (the command line's `CANDOR_CACHE_DIR`): each paragraph's findings are also kept
  as a small JSON file keyed by the paragraph, Harper's version and the configuration, so
  re-checking unchanged letters (pre-commit, editors) builds no linter at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.checks import grammar
from app.checks.base import Finding, GrammarStatus, Severity
from app.checks.grammar import (
    DEFAULT_CACHE_SIZE,
    LRU,
    GrammarResult,
    engine_finding,
    quote,
    shifted,
)
from app.checks.protected import HARPER_MASK

logger = logging.getLogger(__name__)

SOURCE = "Harper"
WARNING_KINDS = frozenset(
    {
        "Agreement",
        "BoundaryError",
        "Capitalization",
        "Eggcorn",
        "Grammar",
        "Malapropism",
        "Miscellaneous",
        "Punctuation",
        "Repetition",
        "Typo",
    }
)
"""Lint kinds that are mistakes a reader notices: warnings. Every other kind is a suggestion."""
DROPPED_KINDS = frozenset({"Readability"})
"""Harper's sentence-length lints: the readability check already covers sentences."""
DISABLED_RULES = {
    "UseTitleCase": "plain-language guides recommend sentence-case headings (What you can do)",
    "LongSentences": "the readability check judges sentence length, with thresholds per tone",
    "OxfordComma": "the serial comma is house style (AP style and Candor's templates leave it out): "
    "suggesting it on every list in every letter is noise an editor learns to ignore",
}
"""Harper rules turned off, with the reason."""
_DIALECTS = {"en-GB": "BRITISH", "en-AU": "AUSTRALIAN", "en-CA": "CANADIAN", "en-IN": "INDIAN"}


def _replacement(lint: Any) -> str | None:
    """The first suggestion as the text that replaces the lint's span."""
    suggestions = list(lint.suggestions)
    if not suggestions:
        return None
    s = suggestions[0]
    kind = getattr(s.kind, "name", str(s.kind))
    if kind == "REMOVE":
        return ""
    if kind == "INSERT_AFTER":
        return lint.problem_text + s.replacement_text
    return str(s.replacement_text)


def lint_to_finding(rule: str, lint: Any) -> Finding | None:
    """One Harper lint as a Finding with spans into the linted text (code points, as Python)."""
    kind = str(lint.lint_kind)
    if kind in DROPPED_KINDS:
        return None
    bad = str(lint.problem_text)
    return engine_finding(
        rule=f"grammar.harper.{rule}",
        severity=Severity.warning if kind in WARNING_KINDS else Severity.suggestion,
        message=str(lint.message),
        bad=bad,
        suggestion=_replacement(lint),
        start=int(lint.span.start),
        end=int(lint.span.end),
        source=SOURCE,
        fallback=f"Harper ({kind}) flagged {quote(bad)}.",
    )


_LIST_ITEM_START = re.compile(r"(?:^|\n)[ \t]*(?:[-*+•]|\d{1,2}[.)])[ \t]+$")


def _list_item_start(rule: str, paragraph: str, f: Finding) -> bool:
    """A lower-case word opening a list item that completes a lead-in ("could mean that:" then "- someone
    could ...") is house style, not a capitalisation error."""
    return rule == "SentenceCapitalization" and bool(
        _LIST_ITEM_START.search(paragraph, 0, f.start or 0)
    )


@lru_cache(maxsize=1)
def _harper_version() -> str:
    """Identifies the installed harper-py (size and mtime of its module) without importing it or
    reading package metadata (importlib.metadata alone costs a command-line check ~0.1 s)."""
    import importlib.util

    spec = importlib.util.find_spec("harper")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "unknown"
    st = os.stat(origin)
    return f"{st.st_size}-{st.st_mtime_ns}"


class HarperChecker:
    """Grammar and spelling findings from Harper, per paragraph, cached. Thread-safe; never raises."""

    def __init__(
        self,
        language: str = "en-US",
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
        disk_cache: Path | None = None,
    ) -> None:
        self.language = language
        self._cache = LRU(cache_size)
        self._disk = disk_cache  # one-off commands: findings per paragraph kept across processes
        self._linter: Any | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HarperChecker({self.language!r})"

    def check(self, text: str) -> GrammarResult:
        """Check `text` paragraph by paragraph; failures are `unavailable`, never exceptions."""
        try:
            return self._check(text)
        except Exception as exc:
            logger.warning("Harper grammar check failed: %s", exc, exc_info=True)
            reason = (
                f"harper-py is not installed ({exc})"
                if isinstance(exc, ImportError)
                else f"Harper failed: {exc}"
            )
            return GrammarResult([], GrammarStatus(status="unavailable", detail=reason))

    def warm_up(self) -> None:
        """Build the linter and lint once now (about a second), so the first check is quick."""
        self.check("Warm up the grammar checker.")

    def clear_cache(self) -> None:
        """Forget every cached paragraph."""
        self._cache.clear()

    @property
    def cached_paragraphs(self) -> int:
        """How many paragraphs' findings are cached."""
        return len(self._cache)

    @property
    def linter_built(self) -> bool:
        """Whether the Harper linter exists (about a second to build): checks served from the caches never build it."""
        return self._linter is not None

    def close(self) -> None:
        """Release the linter (it is rebuilt on the next check)."""
        with self._lock:
            self._linter = None

    def _check(self, text: str) -> GrammarResult:
        findings: list[Finding] = []
        for paragraph in grammar.split_paragraphs(text):
            found = self._cache.get(paragraph.text)
            if found is None:
                found = self._read_disk(paragraph.text)
                if found is None:
                    found = self._lint(paragraph.text)
                    self._write_disk(paragraph.text, found)
                self._cache.put(paragraph.text, found)
            findings.extend(shifted(found, paragraph.start))
        findings.sort(key=Finding.sort_key)
        return GrammarResult(findings, GrammarStatus(status="ok", detail=SOURCE))

    def _disk_path(self, paragraph: str) -> Path | None:
        if self._disk is None:
            return None
        key = f"{_harper_version()}\0{self.language}\0{sorted(DISABLED_RULES)}\0{paragraph}"
        return (
            self._disk / "grammar" / f"harper-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"
        )

    def _read_disk(self, paragraph: str) -> tuple[Finding, ...] | None:
        path = self._disk_path(paragraph)
        if path is None:
            return None
        try:
            return tuple(Finding.from_json(f) for f in json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def _write_disk(self, paragraph: str, found: tuple[Finding, ...]) -> None:
        path = self._disk_path(paragraph)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps([f.to_json() for f in found]), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # an unwritable cache folder only costs speed

    def _lint(self, paragraph: str) -> tuple[Finding, ...]:
        import harper

        with self._lock:
            if self._linter is None:
                dialect = getattr(harper.Dialect, _DIALECTS.get(self.language, "AMERICAN"))
                linter = harper.Linter(dialect)
                linter.set_lint_config(
                    {**linter.get_lint_config(), **dict.fromkeys(DISABLED_RULES, False)}
                )
                self._linter = linter
            by_rule = self._linter.organized_lints(
                paragraph, language=harper.Language.MARKDOWN, regex_mask=HARPER_MASK
            )
        out = [
            f
            for rule, lints in by_rule.items()
            for lint in lints
            if (f := lint_to_finding(rule, lint)) is not None
            and not _list_item_start(rule, paragraph, f)
        ]
        out.sort(key=Finding.sort_key)
        return tuple(out)
