"""The settings `candor check` reads, from CANDOR_* variables, without pydantic-settings.

A command-line check starts a fresh process every time (editors, pre-commit hooks), and
importing pydantic-settings alone takes longer than a linter's whole run (bench/bench_cli.py).
The check reads only these seven settings, so it parses them here with the same names, defaults
and rules as `app.core.config.Settings` (variable names in any case; an empty variable counts as
unset); tests/checks/test_check_settings.py compares the two on valid and invalid values, so they
cannot drift apart. Anything else (the web service, drafting, exports) uses Settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.paths import PROJECT_ROOT, ConfigError, default_cache_dir

ENGINES = ("auto", "harper", "languagetool", "off")


@dataclass(frozen=True)
class CheckSettings:
    """What the check engine and the grammar adapters read (a subset of Settings, same names)."""

    RULES_DIR: Path = PROJECT_ROOT / "rules"
    CACHE_DIR: Path | None = None
    GRAMMAR_ENGINE: str = "auto"
    LANGUAGETOOL_URL: str | None = None
    LANGUAGETOOL_LANGUAGE: str = "en-US"
    GRAMMAR_TIMEOUT_S: float = 5.0
    MAX_TEXT_CHARS: int = 100_000

    def cache_dir(self) -> Path:
        """CACHE_DIR, or the user's cache folder when unset."""
        return self.CACHE_DIR or default_cache_dir()


def _number(name: str, raw: str, kind: type[int] | type[float]) -> int | float:
    text = raw.strip()
    try:
        if kind is int:
            return int(text) if text.lstrip("+-").isdigit() else int(_whole(text))
        return float(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"CANDOR_{name}: {raw!r} is not {what}") from None


def _whole(text: str) -> float:
    value = float(text)  # "100000.0" is a whole number, "1.5" and "abc" are not (as pydantic)
    if not value.is_integer():
        raise ValueError(text)
    return value


def check_settings(environ: Mapping[str, str] | None = None) -> CheckSettings:
    """Read the check's settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    given = {
        key.upper()[len("CANDOR_") :]: value
        for key, value in env.items()
        if key.upper().startswith("CANDOR_") and value != ""
    }
    values: dict[str, object] = {}
    for name in ("RULES_DIR", "CACHE_DIR"):
        if name in given:
            values[name] = Path(given[name])
    for name in ("LANGUAGETOOL_URL", "LANGUAGETOOL_LANGUAGE"):
        if name in given:
            values[name] = given[name]
    if "GRAMMAR_ENGINE" in given:
        engine = given["GRAMMAR_ENGINE"]
        if engine not in ENGINES:
            raise ConfigError(
                f"CANDOR_GRAMMAR_ENGINE: {engine!r} is not one of {', '.join(ENGINES)}"
            )
        values["GRAMMAR_ENGINE"] = engine
    if "GRAMMAR_TIMEOUT_S" in given:
        values["GRAMMAR_TIMEOUT_S"] = float(
            _number("GRAMMAR_TIMEOUT_S", given["GRAMMAR_TIMEOUT_S"], float)
        )
    if "MAX_TEXT_CHARS" in given:
        values["MAX_TEXT_CHARS"] = int(_number("MAX_TEXT_CHARS", given["MAX_TEXT_CHARS"], int))
    return CheckSettings(**values)  # type: ignore[arg-type]
