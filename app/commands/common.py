"""Helpers shared by sub-commands: reading files, facts and settings with clean errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import CliError
from app.core.paths import require_dir

if TYPE_CHECKING:  # imported where used: a command-line check loads only what it needs
    from app.checks.settings import CheckSettings
    from app.core.config import Settings
    from app.domain.facts import IncidentFacts
    from app.rulebook.book import Rulebook


def read_text(path: str) -> str:
    """Read a file, or standard input for `-`; errors become one-line CLI errors."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: file not found") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise CliError(f"{path}: cannot read: {exc.__class__.__name__}") from None


def read_json(path: str) -> Any:
    """Parse a JSON file; syntax errors name the line."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def read_facts(path: str) -> IncidentFacts:
    """Load and validate incident facts; the message names the first bad fields."""
    from pydantic import ValidationError

    from app.core.errors import one_line, pydantic_error_details
    from app.domain.facts import IncidentFacts

    data = read_json(path)
    try:
        return IncidentFacts.model_validate(data)
    except ValidationError as exc:
        raise CliError(f"{path}: {one_line(pydantic_error_details(exc.errors()))}") from None


def settings() -> Settings:
    """Settings from the environment, with configuration errors as CLI errors."""
    from pydantic import ValidationError

    from app.core.config import get_settings
    from app.core.errors import pydantic_error_details

    try:
        return get_settings()
    except ValidationError as exc:
        details = pydantic_error_details(exc.errors())
        raise CliError(
            "; ".join(
                d["message"] if d["field"] == "(body)" else f"CANDOR_{d['field']}: {d['message']}"
                for d in details
            )
        ) from None


def check_settings() -> CheckSettings:
    """The few settings `candor check` reads, without pydantic-settings (app/checks/settings.py);
    a bad value is a one-line error."""
    from app.checks.settings import check_settings as read

    return read()


def rulebook(s: Settings | CheckSettings | None = None, *, compiled: bool = False) -> Rulebook:
    """The validated rulebook (from the compiled-rulebook cache when the rules are unchanged);
    a bad rule file is a one-line error. `compiled`: rules as plain records, for `candor check`
    (app/rulebook/compiled.py)."""
    from app.core.errors import AppError
    from app.rulebook.cache import load_rulebook_cached

    s = s or settings()
    try:
        return load_rulebook_cached(require_dir(s, "RULES_DIR"), s.cache_dir(), compiled=compiled)
    except AppError as exc:
        raise CliError(exc.message) from None
