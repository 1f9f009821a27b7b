"""Project paths, the cache folder and folder settings' errors — without pydantic.

Split from config.py so `candor check` (which reads its few settings with
app/checks/settings.py) starts without importing pydantic-settings; config.py re-exports these.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/candor`, else `~/.cache/candor`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "candor"


class ConfigError(ValueError):
    """A setting names something that is not there; the message names the setting and what to set."""


REQUIRED_DIRS = {
    "RULES_DIR": "the folder of rule files (the repository's rules/)",
    "TEMPLATES_DIR": "the folder of letter templates (the repository's templates/letters/)",
}


def require_dir(settings: Any, name: str) -> Path:
    """The folder setting `name` names, or ConfigError saying which setting to set."""
    path = Path(getattr(settings, name))
    if not path.is_dir():
        raise ConfigError(
            f"CANDOR_{name}: {path} is not a folder; set CANDOR_{name} to {REQUIRED_DIRS[name]}"
        )
    return path
