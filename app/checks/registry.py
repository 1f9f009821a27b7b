"""KIND -> check function: the closed set of rule kinds, one module per kind.

A check function takes `(rule_id, rule, ctx)` and returns findings; side results (element
results, apology components, readability metrics, notes) go onto the CheckContext. Kinds that
only hold data for other checks (`element_vocabulary`, `agency_directory`) map to a no-op, so
every kind the schema accepts has exactly one entry here (tests/checks/test_engine.py checks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.checks.admissions import check_admissions
from app.checks.base import Finding
from app.checks.channel_elements import check_channel
from app.checks.claims import check_claim
from app.checks.conditional import check_conditional
from app.checks.context import CheckContext
from app.checks.legal import check_legal
from app.checks.phrases import check_phrases
from app.checks.readability import check_readability
from app.checks.sentences import check_sentence_pattern
from app.checks.substitution import check_substitution

CheckFn = Callable[[str, Any, CheckContext], list[Finding]]


def _data_only(rid: str, rule: Any, ctx: CheckContext) -> list[Finding]:
    """Kinds that are data for other checks (vocabulary, agency directory) produce no findings."""
    return []


REGISTRY: dict[str, CheckFn] = {
    "element_vocabulary": _data_only,
    "agency_directory": _data_only,
    "legal_elements": check_legal,
    "phrases": check_phrases,
    "substitution": check_substitution,
    "conditional": check_conditional,
    "readability": check_readability,
    "sentence_pattern": check_sentence_pattern,
    "admissions_policy": check_admissions,
    "claim": check_claim,
    "channel_elements": check_channel,
}


def check_for(kind: str) -> CheckFn:
    """The check function for a kind; KeyError for a kind outside the closed set."""
    return REGISTRY[kind]
