"""The offline CMU dictionary: built without network, safe to build from several processes at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from app.core.textstat_data import build_cmudict


def _build(target: str) -> str:
    return str(build_cmudict(Path(target)))


def test_concurrent_builds_do_not_collide(tmp_path):
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        paths = pool.map(_build, [str(tmp_path)] * 3)
    out = Path(paths[0])
    assert out.stat().st_size > 1_000_000
    assert not list(out.parent.glob("*.tmp"))
    first = out.read_text().splitlines()[:5]
    assert all(len(line.split()) >= 3 and line.split()[1].isdigit() for line in first)


def test_textstat_uses_the_built_corpus(settings):
    import textstat

    assert textstat.syllable_count("notification") == 5
