"""`candor obligations --incident ID`: the stored plan of one incident with each notice's status."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli import CliError
from app.commands import common


def _due(row: dict[str, Any]) -> str:
    if row["due_at"]:
        return row["due_at"][:16]
    return row["due"] or "no fixed date"


def _done(row: dict[str, Any]) -> str:
    if row["status"] == "done":
        bits = [f"sent {row['sent_at'][:16] if row['sent_at'] else '?'}", row["method"] or ""]
        if row["reference"]:
            bits.append(f"ref {row['reference']}")
        if row["attachments"]:
            bits.append(f"{len(row['attachments'])} file(s)")
        return " ".join(b for b in bits if b)
    if row["status"] == "not_required":
        return f"not required: {row['reason']}"
    return row["time_left"]


def render_plan(incident: Any, rows: list[dict[str, Any]], now: Any) -> str:
    """One line per item: deadline, status, law, kind, recipient, then time left or what was done."""
    lines = [
        f"Plan for incident {incident.id} ({incident.title}) as of {now.isoformat(timespec='minutes')}",
        "",
    ]
    if not rows:
        lines.append("No notice obligations.")
    for r in rows:
        flag = " OVERDUE" if r["overdue"] else ""
        lines.append(
            f"[{r['id']}] {_due(r):<16} {r['status']:<12} {r['jurisdiction']:<11} "
            f"{r['obligation']:<11} {r['recipient']}{flag}"
        )
        detail = _done(r)
        if detail:
            lines.append(f"     {detail}")
        if r["previous_due"] or r["previous_due_at"]:
            lines.append(f"     deadline moved from {r['previous_due_at'] or r['previous_due']}")
        if not r["applicable"]:
            lines.append(f"     no longer required (facts version {r['withdrawn_in']})")
    return "\n".join(lines) + "\n"


def show_plan(args: argparse.Namespace) -> int:
    """Print the incident's plan as text or JSON (computing it first if it was never stored)."""
    from app.core.errors import NotFound
    from app.domain.obligations import resolve_now
    from app.store import repositories as repo
    from app.store.cli_db import open_store
    from app.workflow.context import WorkflowContext
    from app.workflow.plan_view import ensure_plan, plan_rows, plan_summary

    s = common.settings()
    try:
        now = resolve_now(args.today or s.TODAY)
    except ValueError as exc:
        raise CliError(f"--{exc}") from None
    ctx = WorkflowContext(settings=s, rulebook=common.rulebook(s))
    with open_store(s) as session:
        try:
            incident = repo.get_incident(session, args.incident)
        except NotFound:
            raise CliError(f"incident {args.incident} does not exist") from None
        ensure_plan(session, ctx, None, incident)
        rows = plan_rows(
            session, incident.id, now, status=args.status, jurisdiction=args.jurisdiction
        )
        if args.format == "json":
            out = {
                "incident_id": incident.id,
                "now": now.isoformat(),
                "summary": plan_summary(plan_rows(session, incident.id, now)),
                "items": rows,
            }
            print(json.dumps(out, indent=2))
        else:
            print(render_plan(incident, rows, now), end="")
    return 0
