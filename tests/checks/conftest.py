"""Fixtures for the check tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Shared helpers live in tests/support, imported as `support` (see tests/support/__init__.py).
_TESTS_DIR = str(Path(__file__).resolve().parents[1])
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from support.lt_server import FakeLanguageTool  # noqa: E402


@pytest.fixture
def lt_server() -> Iterator[FakeLanguageTool]:
    """A LanguageTool-v2-compatible server on 127.0.0.1 (`.url`, `.requests`, `.hang`, `.error`)."""
    with FakeLanguageTool() as server:
        yield server
