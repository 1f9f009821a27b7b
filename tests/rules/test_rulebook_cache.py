"""The compiled-rulebook cache: same Rulebook as loading the files, keyed by their content."""

from __future__ import annotations

import os
import shutil

import pytest

from app.core.config import PROJECT_ROOT
from app.core.errors import RuleLoadError
from app.rulebook.cache import load_rulebook_cached
from app.rulebook.loader import load_rulebook


def test_cached_rulebook_equals_the_loaded_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plain = load_rulebook(PROJECT_ROOT / "rules")
    built = load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path)
    cached = load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path)
    assert plain == built == cached
    assert cached.hash == plain.hash and cached.root == plain.root


def test_a_changed_rule_file_misses_the_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    first = load_rulebook_cached(rules, tmp_path / "cache")
    hedging = rules / "empathy" / "hedging.yml"
    hedging.write_text(hedging.read_text().replace("level: warning", "level: error", 1))
    second = load_rulebook_cached(rules, tmp_path / "cache")
    assert second.hash != first.hash
    assert second.rules["empathy.hedging"].level.value == "error"
    assert len(list((tmp_path / "cache").glob("rulebook-*.pickle"))) == 2


def test_a_broken_rule_file_is_still_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    load_rulebook_cached(rules, tmp_path / "cache")
    (rules / "empathy" / "hedging.yml").write_text("kind: phrases\nmode: avoid\ntokens: ['(']\n")
    with pytest.raises(RuleLoadError, match="hedging.yml"):
        load_rulebook_cached(rules, tmp_path / "cache")


def test_a_cache_file_others_can_write_is_not_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path)
    (pickle_file,) = tmp_path.glob("rulebook-*.pickle")
    pickle_file.write_bytes(b"not a pickle")
    os.chmod(pickle_file, 0o666)
    assert load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path) == load_rulebook(
        PROJECT_ROOT / "rules"
    )
    assert pickle_file.stat().st_mode & 0o777 == 0o600  # rewritten, private again


def test_the_code_key_is_the_code_this_process_loaded(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Schema files that change on disk after start-up (an upgrade in place) must not re-key the
    cache: the process would store what its old code built under the new code's key."""
    from app.rulebook import cache

    monkeypatch.setattr(cache, "_code_hash", lambda: "changed-on-disk")
    load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path)
    (pickle_file,) = tmp_path.glob("rulebook-*.pickle")
    assert f"-{cache.CODE_HASH}-" in pickle_file.name
    assert "changed-on-disk" not in pickle_file.name
