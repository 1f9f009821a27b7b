"""The one adapter between saving and the check engine.

TEMPORARY FALLBACK: while `app.checks.engine` is not installed, `check_text` returns an empty
Report with grammar `skipped` and says so in `grammar.detail`. Remove the fallback once the
engine lands (the lead wires this).
"""

from __future__ import annotations

import hashlib
import importlib
from typing import Any

from app.checks.base import GrammarStatus, Report
from app.core.config import Settings
from app.domain.facts import IncidentFacts
from app.rulebook.loader import Rulebook


def _engine() -> Any:
    try:
        return importlib.import_module("app.checks.engine")
    except ModuleNotFoundError as exc:
        if exc.name == "app.checks.engine":
            return None
        raise


def finding_id(rule: str, start: int | None, end: int | None, text: str) -> str:
    """Stable id of a finding on a text: rule + span + matched text."""
    match = text[start:end] if start is not None and end is not None else ""
    return hashlib.sha1(f"{rule}\0{start}\0{end}\0{match}".encode()).hexdigest()[:12]  # noqa: S324 - id, not security


def check_text(text: str, *, rulebook: Rulebook, settings: Settings, facts: IncidentFacts | None,
               jurisdictions: tuple[str, ...], tone: str | None) -> Report:
    """Run every check on `text`; findings get stable ids so waivers can name them."""
    engine = _engine()
    if engine is None:
        report = Report(grammar=GrammarStatus(status="skipped", detail="check engine not installed yet"),
                        rulebook=rulebook.hash)
    else:
        report = engine.run_checks(text, rulebook=rulebook, settings=settings, facts=facts,
                                   jurisdictions=jurisdictions, tone=tone, grammar=False)
    for f in report.findings:
        if not f.id:
            f.id = finding_id(f.rule, f.start, f.end, text)
    if not report.rulebook:
        report.rulebook = rulebook.hash
    return report
