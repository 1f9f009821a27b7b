"""`candor obligations FACTS.json [--format text|json] [--today DATE]`: whom to tell, what each letter says, by when.

`candor obligations --incident ID [--status S] [--jurisdiction CODE]` shows a stored incident's
tracked plan instead: each notice with its status, deadline, time left and proof.
"""

from __future__ import annotations

import argparse
import json

from app.cli import CliError
from app.commands import common
from app.domain.obligations import ObligationsReport, obligations_report, resolve_now, time_left


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `obligations` sub-command."""
    p = subs.add_parser(
        "obligations",
        help="List notice obligations, due dates and letter variants for an incident.",
    )
    p.add_argument("facts", nargs="?", help="Incident facts JSON file, or - for standard input.")
    p.add_argument(
        "--incident",
        type=int,
        metavar="ID",
        help="Show the stored incident's tracked plan (status, proof) instead of computing from a file.",
    )
    p.add_argument(
        "--status",
        choices=("open", "in_progress", "done", "not_required"),
        help="With --incident: only items with this status.",
    )
    p.add_argument(
        "--jurisdiction", metavar="CODE", help="With --incident: only items under this law."
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--today",
        help="Count time left from this date or date-time with offset (YYYY-MM-DD or "
        "2026-09-15T08:00:00+00:00; default: CANDOR_TODAY or the real time).",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the obligations report (or, with --incident, the stored plan)."""
    if args.incident is not None:
        if args.facts:
            raise CliError("give either FACTS or --incident, not both")
        from app.commands.plan_status import show_plan

        return show_plan(args)
    if not args.facts:
        raise CliError("give a facts file (FACTS.json, or - for standard input) or --incident ID")
    if args.status or args.jurisdiction:
        raise CliError("--status and --jurisdiction filter a stored plan: add --incident ID")
    facts = common.read_facts(args.facts)
    s = common.settings()
    try:
        now = resolve_now(args.today or s.TODAY)
    except ValueError as exc:
        raise CliError(f"--{exc}") from None
    report = obligations_report(facts, common.rulebook(s), now)
    if args.format == "json":
        print(json.dumps(report.model_dump(mode="json"), indent=2))
    else:
        print(render_text(report), end="")
    return 0


def render_text(report: ObligationsReport) -> str:
    """Render a responder's summary: deadlines first, then letter variants, then the reasons per law."""
    discovered = (
        report.discovery_at.isoformat()
        if report.discovery_at
        else (report.discovery_date or "unknown")
    )
    lines = [
        f"Obligations as of {report.now.isoformat(timespec='minutes')} (discovered {discovered})",
        "",
    ]
    for warning in report.warnings:
        lines.append(f"WARNING: {warning}")
    if report.warnings:
        lines.append("")
    for o in report.obligations:
        due = (
            o.due_at.isoformat(timespec="minutes")
            if o.due_at
            else (o.due.isoformat() if o.due else "no fixed date")
        )
        mark = " [UNVERIFIED]" if o.unverified else ""
        lines.append(
            f"- {due:<13} {time_left(o):<24} {o.jurisdiction:<11} {o.obligation:<11} {o.recipient}{mark}"
        )
        lines.append(f"  {o.deadline} — {o.citation}")
    lines += ["", "Letter variants:"]
    for v in report.variants:
        who = ", ".join(f"{code} {n:,}" for code, n in v.residences.items())
        lines.append(
            f"- {v.id}: {v.recipients:,} recipients ({who}); laws {', '.join(v.jurisdictions)}"
        )
        if v.exclude:
            lines.append(f"  leave out: {', '.join(v.exclude)}")
        for c in v.conflicts:
            lines.append(f"  CONFLICT {c}")
    if report.no_letter:
        lines.append(
            "No letter required: " + ", ".join(f"{r} {n:,}" for r, n in report.no_letter.items())
        )
    if report.uncovered:
        lines.append(
            "No rule file covers: "
            + ", ".join(report.uncovered)
            + " — research these before sending."
        )
    lines += ["", "Why:"]
    for a in report.jurisdictions:
        verdict = "applies" if a.applies else "does not apply"
        lines.append(
            f"- {a.jurisdiction} {verdict}{'' if a.letters or not a.applies else ' (no letters)'}: {'; '.join(a.reasons)}"
        )
    return "\n".join(lines) + "\n"
