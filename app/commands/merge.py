"""`candor merge (--draft-set INCIDENT | --plan PLAN.json) RECIPIENTS.csv --out DIR`: mail merge.

One letter per recipient row, in the approved letter variant of the recipient's state or country;
bad rows go to DIR/rejects.csv with the reason, the rest are still produced. Before any row is read,
each residence's letter is proved against that residence's own laws (app.export.proof) — from the
store with the incident's current facts, from a plan file with `--facts` when given — and the rows
of a residence whose letter fails are rejected with the proof's reason code. Re-running the same
command after an interruption resumes without producing any letter twice. The merge runs as a merge
job in this process (app.export.local_merge: chunk tasks, state in OUT/_job/), the fast path of the
API's and the workers' merges. Prints counts only
(never names or addresses). Exit 0 when the run completed (even with rejects), 2 on bad input
(unapproved letter, unreadable file, unknown incident, invalid facts).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from app.cli import CliError
from app.commands import common
from app.export.merge import FORMATS, MODES, MergeError, MergePlan


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
    from app.export.proof import prove_plan, prove_translations

    plan = plan_from_json(plan_path)
    check_plan(plan)  # refuse an unusable plan before spending time on its proof
    facts = common.read_facts(facts_path) if facts_path else None
    s = common.settings()
    proved = dict(rulebook=common.rulebook(s), settings=s, facts=facts)
    translations = plan.translations
    plan = prove_plan(
        replace(plan, translations={}), residences_in(recipients) if plan.default else (), **proved
    )
    # A letter in another language that fails its proof is left out: its readers get English.
    return prove_translations(plan, translations, **proved) if translations else plan


def _report_plan(plan: MergePlan) -> None:
    """One stderr line per letter variant: the residences it serves and its readers' languages."""
    for vid, entry in plan.languages().items():
        codes = ", ".join("other residences" if c == "*" else c for c in entry["residences"])
        langs = ", ".join(
            lang if other == vid else f"{lang} ({other})"
            for lang, other in entry["languages"].items()
        )
        print(f"merge: variant {vid}: {codes}; languages: {langs}", file=sys.stderr)


def _report_proof(plan: MergePlan, *, facts: bool, quiet: bool) -> None:
    """Say on stderr which residences' letters failed their proof (no personal data)."""
    if not quiet:
        _report_plan(plan)
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

        from app.export.local_merge import run_local_merge

        result = run_local_merge(
            plan,
            recipients,
            Path(args.out),
            settings=common.settings(),
            fmt=args.format,
            mode=args.mode,
            page_size=args.page_size,
            progress=progress,
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
