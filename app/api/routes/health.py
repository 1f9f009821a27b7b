"""Liveness: the process is up and its rules loaded."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import RulebookDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def read_health(rulebook: RulebookDep) -> dict[str, str]:
    """Report that the service is up, with the loaded rulebook hash."""
    return {"status": "ok", "rulebook": rulebook.hash}
