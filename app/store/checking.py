"""The one adapter between saving and the check engine: runs the checks and gives every finding
a stable id (rule + span + matched text) so a waiver can name exactly one finding."""

from __future__ import annotations

import hashlib

from app.checks.base import Report
from app.checks.engine import run_checks
from app.core.config import Settings
from app.domain.facts import IncidentFacts
from app.rulebook.loader import Rulebook


def finding_id(rule: str, start: int | None, end: int | None, text: str) -> str:
    """Stable id of a finding on a text: rule + span + matched text."""
    match = text[start:end] if start is not None and end is not None else ""
    return hashlib.sha1(f"{rule}\0{start}\0{end}\0{match}".encode()).hexdigest()[:12]  # noqa: S324 - id, not security


def check_text(text: str, *, rulebook: Rulebook, settings: Settings, facts: IncidentFacts | None,
               jurisdictions: tuple[str, ...], tone: str | None) -> Report:
    """Run every check on `text` (grammar off on save: LanguageTool is too slow for every keystroke-save)."""
    report = run_checks(text, rulebook=rulebook, settings=settings, facts=facts,
                        jurisdictions=jurisdictions, tone=tone, grammar=False)
    for f in report.findings:
        if not f.id:
            f.id = finding_id(f.rule, f.start, f.end, text)
    if not report.rulebook:
        report.rulebook = rulebook.hash
    return report
