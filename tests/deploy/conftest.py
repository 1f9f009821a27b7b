"""Deploy fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS_DIR = str(Path(__file__).resolve().parents[1])
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from support.storedb import db_url  # noqa: E402, F401
