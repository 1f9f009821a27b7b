"""The five roles. Each user has exactly one."""

from __future__ import annotations

ROLES = ("admin", "responder", "cmo", "security", "compliance")
ALL = frozenset(ROLES)

# Who may export letters and checklists: everyone who works on the letter (an unapproved version is
# watermarked). Who may run a mail merge: the release step, so compliance (who signs off) and admin.
EXPORTERS = ("responder", "cmo", "security", "compliance", "admin")
MERGERS = ("compliance", "admin")
FACTS_EDITORS = (
    "responder",
    "security",
)  # who may edit an incident's facts (API and the Edit facts page)
# Who may record what was done about a notice obligation (status, proof, not-required decisions).
PLAN_EDITORS = ("responder", "compliance", "admin")
# Who may download an incident's evidence bundle (facts, letters, audit extract): the record keepers.
EVIDENCE_ROLES = ("compliance", "admin")
