"""Catalog for the UI: GET /rules, /jurisdictions, /tones, /elements (read-only introspection of the rulebook)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.api.deps import RulebookDep
from app.auth.policy import public
from app.domain.tones import TONES
from app.rulebook.catalog import catalog

router = APIRouter(tags=["catalog"], dependencies=[public()])  # reference data


@router.get("/rules")
def list_rules(rulebook: RulebookDep) -> dict[str, Any]:
    """Every rule: id, kind, level, message, source, tone and jurisdiction filters; with the rulebook hash."""
    data = catalog(rulebook)
    return {"rulebook": data["rulebook"], "rules": data["rules"]}


@router.get("/jurisdictions")
def list_jurisdictions(rulebook: RulebookDep) -> dict[str, Any]:
    """Jurisdictions with statute title, reviewed date, required and forbidden elements, unverified notes."""
    data = catalog(rulebook)
    return {"rulebook": data["rulebook"], "jurisdictions": data["jurisdictions"]}


@router.get("/tones")
def list_tones() -> dict[str, Any]:
    """The letter tones; each picks its own readability thresholds."""
    return {"tones": list(TONES)}


@router.get("/elements")
def list_elements(rulebook: RulebookDep) -> dict[str, Any]:
    """The legal element vocabulary: id, label, hint, whether it is a format rule."""
    return {
        "elements": [
            {"id": eid, "label": e.label, "hint": e.hint, "format_rule": e.format_rule}
            for eid, e in rulebook.elements.items()
        ]
    }
