"""Start-up hook for exports: delete mail-merge outputs past ``EXPORT_RETENTION_DAYS``.

Not wired by itself: add ``"app.export.startup"`` to ``STARTUP_MODULES`` in ``app/main.py`` (the
clean-up also runs whenever a merge job is created or the jobs are listed).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from app.core.config import Settings
from app.export import jobs


def install(app: FastAPI, settings: Settings) -> None:
    """Run the retention clean-up once at start-up."""
    jobs.cleanup(Path(settings.EXPORT_DIR), settings.EXPORT_RETENTION_DAYS)
