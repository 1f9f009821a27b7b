"""Golden files: compare an output with its committed copy, or (re)write it under --update-golden."""

from __future__ import annotations

from pathlib import Path

import pytest


def assert_golden(path: Path, got: str, update: bool) -> None:
    """`got` must equal the golden file at `path`. With `update` (pytest --update-golden) the file is
    rewritten instead; a missing file is written and the test fails, so a new golden is reviewed."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
        if not update:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it")
    assert got == path.read_text(), (
        f"{path.name} differs; run pytest --update-golden and review the diff"
    )
