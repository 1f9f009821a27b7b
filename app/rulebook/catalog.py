"""The rulebook as plain data: rules and jurisdictions (`candor rules --format json`, GET /api/v1/rules)."""

from __future__ import annotations

from typing import Any

from app.rulebook.loader import Rulebook


def catalog(rb: Rulebook) -> dict[str, Any]:
    """Rules and jurisdictions as plain data (shared with GET /api/v1/rules)."""
    rules = []
    for rid, rule in sorted(rb.rules.items()):
        rules.append(
            {
                "id": rid,
                "kind": rule.kind,
                "level": getattr(rule, "level", None) and rule.level.value,
                "message": getattr(rule, "message", ""),
                "source": getattr(rule, "source", "") or getattr(rule, "title", ""),
                "tones": list(getattr(rule, "tones", []) or []),
                "jurisdictions": list(getattr(rule, "jurisdictions", []) or []),
            }
        )
    jurisdictions = [
        {
            "code": code,
            "name": r.name,
            "title": r.title,
            "reviewed": r.reviewed.isoformat(),
            "letter": r.letter,
            "requires": r.requires,
            "prohibits": r.prohibits,
            "unverified": r.unverified,
        }
        for code, r in sorted(rb.jurisdictions.items())
    ]
    return {"rulebook": rb.hash, "rules": rules, "jurisdictions": jurisdictions}
