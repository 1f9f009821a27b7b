"""The test run's own surroundings: nothing a test reads may come from outside the run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.checks.settings import check_settings
from app.core.config import Settings
from app.core.paths import default_cache_dir


def test_the_run_has_its_own_cache_folder() -> None:
    """Derived data (compiled rulebooks with their literals, the syllable table, grammar results)
    is read from a folder this test process made, never from the user's shared one, where other
    runs, worktrees and code versions write (tests/conftest.py says why)."""
    own = Path(os.environ["CANDOR_CACHE_DIR"])
    assert own.is_dir() and own.parent == Path(tempfile.gettempdir())
    assert Settings().cache_dir() == own == check_settings().cache_dir()
    assert own != default_cache_dir()
