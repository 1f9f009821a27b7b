"""Fixtures for the check tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.lt_server import FakeLanguageTool


@pytest.fixture
def lt_server() -> Iterator[FakeLanguageTool]:
    """A LanguageTool-v2-compatible server on 127.0.0.1 (`.url`, `.requests`, `.hang`, `.error`)."""
    with FakeLanguageTool() as server:
        yield server
