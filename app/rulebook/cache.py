"""A compiled-rulebook cache for one-off commands: the validated Rulebook, pickled, keyed by content.

Why: `candor check` in an editor or a pre-commit hook starts a new process every time, and
parsing and validating ~70 rule files costs far more than checking a letter. The key is the
rules' content hash (every file's path and bytes, the same hash reports carry) plus a hash of
the code that defines the rule schema, so any change to a rule file or to the schema misses
the cache and the rules are loaded and validated again. The result is the same Rulebook object
`load_rulebook` returns (tests/rulebook/test_cache.py compares the CLI's output with and without).

Safety: a pickle runs code when loaded, so the cache folder is created private (0700) and a
file is only read when it belongs to the current user and nobody else can write it; anything
unreadable or stale is rebuilt, and an unwritable folder only costs speed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from pathlib import Path

from app.rulebook.book import Rulebook, read_rule_files
from app.rulebook.literals import preload

_SCHEMA_MODULES = (
    "basics.py",
    "behaviour.py",
    "book.py",
    "common.py",
    "compiled.py",
    "schema.py",
    "legal_schema.py",
    "sentence_schema.py",
    "channel_schema.py",
    "loader.py",
    "cache.py",
    "literals.py",
)


def _code_hash() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _SCHEMA_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]


# Hashed once, when this module (and the literal reader it imports) is loaded: hashing the files
# at each call would let a process whose checkout changed under it (an upgrade in place, a rebase)
# store what its old code built under the new code's key, and every later process would trust it.
CODE_HASH = _code_hash()


def _trusted(path: Path) -> bool:
    """Our own file, not writable by group or others (a pickle from anyone else is never read)."""
    try:
        st = path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022


def _build(
    root: Path, files: list[tuple[str, Path, bytes]], content_hash: str, compiled: bool
) -> Rulebook:
    from app.rulebook.loader import build_rulebook  # YAML and pydantic: only on a cache miss

    rulebook = build_rulebook(root, files, content_hash)
    if compiled:
        from app.rulebook.compiled import compile_rulebook

        rulebook = compile_rulebook(rulebook)
    return rulebook


def load_rulebook_cached(root: Path, cache_dir: Path | None, *, compiled: bool = False) -> Rulebook:
    """`load_rulebook(root)`, served from `cache_dir` when the same rules were loaded before.

    `compiled=True` returns (and caches) the rules as plain records (app/rulebook/compiled.py):
    what `candor check` reads, so a cache hit imports neither YAML nor pydantic. Other commands
    keep the pydantic models."""
    root = Path(root)
    files, content_hash = read_rule_files(root)
    if cache_dir is None:
        return _build(root, files, content_hash, compiled)
    form = "compiled" if compiled else "models"
    path = Path(cache_dir) / f"rulebook-{content_hash.split(':')[-1]}-{CODE_HASH}-{form}.pickle"
    if _trusted(path):
        try:
            with path.open("rb") as f:
                cached = pickle.load(f)  # noqa: S301 - our own private file (see the module docstring)
            if isinstance(cached, Rulebook) and cached.hash == content_hash:
                preload(cached.literals)
                return dataclasses.replace(cached, root=root)
        except Exception:
            import logging

            logging.getLogger(__name__).info("rulebook cache %s unreadable; rebuilding", path)
    rulebook = _build(root, files, content_hash, compiled)
    _store(path, rulebook)
    preload(rulebook.literals)
    return rulebook


def _store(path: Path, rulebook: Rulebook) -> None:
    import tempfile  # only on a cache miss

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError:
        return  # read-only or missing cache folder: only slower next time
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(rulebook, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
