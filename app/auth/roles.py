"""The five roles. Each user has exactly one."""

from __future__ import annotations

ROLES = ("admin", "responder", "cmo", "security", "compliance")
ALL = frozenset(ROLES)
