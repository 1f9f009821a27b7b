"""Command tests read settings through the cached `get_settings()`: each test starts and ends with
a fresh one, so an environment change (monkeypatch.setenv) in one test never reaches another."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.core.config import get_settings


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CANDOR_MAX_TEXT_CHARS", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
