"""`candor check` reads its settings without pydantic-settings (app/checks/settings.py); they
must agree with `Settings` on every value, valid or not, so the two cannot drift apart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.checks.settings import CheckSettings, check_settings
from app.core.config import Settings
from app.core.paths import ConfigError

FIELDS = [f.name for f in dataclasses.fields(CheckSettings)]


def _settings(monkeypatch, env: dict[str, str]) -> Settings:  # type: ignore[no-untyped-def]
    for key in list(__import__("os").environ):
        if key.upper().startswith("CANDOR_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


def test_every_field_is_a_setting_with_the_same_default(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    full = _settings(monkeypatch, {})
    light = check_settings({})
    for name in FIELDS:
        assert name in Settings.model_fields
        assert getattr(light, name) == getattr(full, name), name
    assert light.cache_dir() == full.cache_dir()


@pytest.mark.parametrize(
    "env",
    [
        {"CANDOR_MAX_TEXT_CHARS": "2500", "CANDOR_GRAMMAR_ENGINE": "off"},
        {"CANDOR_GRAMMAR_TIMEOUT_S": "0.5", "CANDOR_LANGUAGETOOL_URL": "http://127.0.0.1:9"},
        {"candor_cache_dir": "/tmp/x", "CANDOR_RULES_DIR": "/tmp/rules"},
        {"CANDOR_LANGUAGETOOL_LANGUAGE": "en-GB", "CANDOR_MAX_TEXT_CHARS": " 300 "},
        {"CANDOR_GRAMMAR_ENGINE": "", "CANDOR_CACHE_DIR": ""},  # empty = unset
        {"CANDOR_MAX_TEXT_CHARS": "100000.0", "CANDOR_GRAMMAR_TIMEOUT_S": "3"},
    ],
)
def test_values_are_read_as_settings_reads_them(monkeypatch, env) -> None:  # type: ignore[no-untyped-def]
    full = _settings(monkeypatch, env)
    light = check_settings(env)
    for name in FIELDS:
        assert getattr(light, name) == getattr(full, name), name


@pytest.mark.parametrize(
    "env",
    [
        {"CANDOR_MAX_TEXT_CHARS": "many"},
        {"CANDOR_MAX_TEXT_CHARS": "1.5"},
        {"CANDOR_GRAMMAR_TIMEOUT_S": "soon"},
        {"CANDOR_GRAMMAR_ENGINE": "HARPER"},
        {"CANDOR_GRAMMAR_ENGINE": "vale"},
    ],
)
def test_bad_values_are_refused_by_both(monkeypatch, env) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        _settings(monkeypatch, env)
    name = next(iter(env)).upper()
    with pytest.raises(ConfigError, match=name):
        check_settings(env)


def test_paths_are_paths() -> None:
    light = check_settings({"CANDOR_RULES_DIR": "rules"})
    assert light.RULES_DIR == Path("rules") and light.CACHE_DIR is None
