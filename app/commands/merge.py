"""`candor merge (--draft-set INCIDENT | --plan PLAN.json) RECIPIENTS.csv --out DIR`: mail merge.

One letter per recipient row, in the approved letter variant of the recipient's state or country;
bad rows go to DIR/rejects.csv with the reason, the rest are still produced. Before any row is read,
each residence's letter is proved against that residence's own laws (app.export.proof) — from the
store with the incident's current facts, from a plan file with `--facts` when given — and the rows
of a residence whose letter fails are rejected with the proof's reason code. Re-running the same
command after an interruption resumes without producing any letter twice. Prints counts only
(never names or addresses). Exit 0 when the run completed (even with rejects), 2 on bad input
(unapproved letter, unreadable file, unknown incident, invalid facts).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import CliError
from app.commands import common
from app.export.merge import FORMATS, MODES, MergeError, MergePlan, run_merge


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `merge` sub-command."""
    p = subs.add_parser(
        "merge", help="Mail merge: one approved letter per recipient, by jurisdiction variant."
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--draft-set",
        metavar="INCIDENT",
        type=int,
        help="Incident id whose approved drafts are merged (from the store).",
    )
    src.add_argument(
        "--plan",
        metavar="PLAN.json",
        help="Residence code -> letter file + approved flag (works without the store).",
    )
    p.add_argument(
        "recipients",
        help="Recipients CSV: recipient_id, name, address_line1, address_line2, city, "
        "region, postal_code, country, activation_code.",
    )
    p.add_argument(
        "--out", required=True, help="Output folder (re-use it to resume an interrupted run)."
    )
    p.add_argument("--format", choices=FORMATS, default="pdf")
    p.add_argument("--mode", choices=MODES, default="per-recipient")
    p.add_argument("--page-size", choices=("Letter", "A4"), default="Letter")
    p.add_argument("--tone", help="With --draft-set: which tone's approved drafts to use.")
    p.add_argument(
        "--facts",
        metavar="FACTS.json",
        help="With --plan: the incident's facts, so the per-recipient proof also applies the "
        "organisation's federal/sectoral laws (HIPAA, GLBA, ...) and compares the letters with "
        "the facts. Without it, letters are proved against each residence's own laws only.",
    )
    p.add_argument("--quiet", action="store_true", help="No progress on stderr.")
    p.set_defaults(func=run)


def _plan_from_store(incident_id: int, tone: str | None) -> MergePlan:
    from app.core.errors import AppError
    from app.export.plan import plan_from_store

    s = common.settings()
    from app.store.db import Database
    from app.workflow.context import WorkflowContext

    ctx = WorkflowContext(settings=s, rulebook=common.rulebook(s))
    db = Database.from_url(s.DATABASE_URL)
    try:
        with db.sessions() as session:
            return plan_from_store(
                session, incident_id, ctx=ctx, tone=tone, letterhead=s.LETTERHEAD
            )
    except AppError as exc:
        raise CliError(exc.message) from None
    finally:
        db.dispose()


def _plan_from_files(plan_path: str, facts_path: str | None, recipients: Path) -> MergePlan:
    """A plan file's letters, each proved for every residence it will be mailed to."""
    from app.export.merge import check_plan
    from app.export.plan import plan_from_json, residences_in
    from app.export.proof import prove_plan

    plan = plan_from_json(plan_path)
    check_plan(plan)  # refuse an unusable plan before spending time on its proof
    facts = common.read_facts(facts_path) if facts_path else None
    s = common.settings()
    return prove_plan(
        plan,
        residences_in(recipients) if plan.default else (),
        rulebook=common.rulebook(s),
        settings=s,
        facts=facts,
    )


def _report_proof(plan: MergePlan, *, facts: bool, quiet: bool) -> None:
    """Say on stderr which residences' letters failed their proof (no personal data)."""
    if not facts and not quiet:
        print(
            "merge: no --facts given: letters proved against each residence's own laws only "
            "(no federal/sectoral laws, no comparison with the facts)",
            file=sys.stderr,
        )
    for residence, (code, reason) in sorted(plan.refusals.items()):
        print(f"merge: {residence} rows rejected ({code}): {reason}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run the merge and print a summary line."""
    recipients = Path(args.recipients)
    if not recipients.is_file():
        raise CliError(f"{args.recipients}: file not found")
    if args.facts and not args.plan:
        raise CliError(
            "--facts: only with --plan (--draft-set proves with the incident's current facts)"
        )
    try:
        if args.plan:
            plan = _plan_from_files(args.plan, args.facts, recipients)
        else:
            plan = _plan_from_store(args.draft_set, args.tone)
        _report_proof(plan, facts=bool(args.facts) or args.draft_set is not None, quiet=args.quiet)
        progress = None
        if not args.quiet:

            def progress(done: int, rejected: int, total: int | None) -> None:
                print(
                    f"\rmerge: {done} letters, {rejected} rejected",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )

        result = run_merge(
            plan,
            recipients,
            Path(args.out),
            fmt=args.format,
            mode=args.mode,
            page_size=args.page_size,
            progress=progress,
            progress_every=500,
        )
    except MergeError as exc:
        raise CliError(exc.message) from None
    if progress:
        print(file=sys.stderr)
    total = sum(result.per_variant.values())
    rejected = sum(result.reject_reasons.values())
    per_variant = ", ".join(f"{k}={v}" for k, v in sorted(result.per_variant.items()))
    reasons = "".join(f"{k}={v}, " for k, v in sorted(result.reject_reasons.items()) if v)
    print(
        f"{total} letters ({per_variant}); {rejected} rejected "
        f"({reasons}see {Path(args.out) / 'rejects.csv'}); {result.resumed} already done before this run; "
        f"manifest: {Path(args.out) / 'manifest.csv'}"
    )
    return 0
