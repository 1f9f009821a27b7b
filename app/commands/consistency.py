"""`candor consistency FILE [FILE ...] [--facts FACTS.json]`: whether an incident's artifacts agree.

Each FILE is one artifact (letter, e-mail, website, FAQ, regulator notice, press statement), named
in the output by `NAME=PATH` or its file name. Dates (by role), phone numbers, e-mail and web
addresses, counts, monitoring lengths, the data involved and the monitoring provider are compared
across them (app/checks/consistency.py); a mismatch names both places. Exit 0: they agree; 1: a mismatch; 2: bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `consistency` sub-command."""
    p = subs.add_parser(
        "consistency",
        help="Compare an incident's artifacts: same dates, counts, contacts, data, services.",
    )
    p.add_argument(
        "files", nargs="+", metavar="[NAME=]FILE", help="Artifact files (letter, email, faq, ...)."
    )
    p.add_argument(
        "--facts", help="Incident facts JSON: values found in no artifact but the facts are fine."
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per mismatch; exit 1 when artifacts contradict each other."""
    from app.checks.consistency import Artifact, check_consistency

    artifacts = []
    for spec in args.files:
        name, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        artifacts.append(Artifact(name or Path(path).name, common.read_text(path)))
    facts = common.read_facts(args.facts) if args.facts else None
    rb = common.rulebook(common.settings())  # the agencies' numbers are nobody's mismatch
    results = check_consistency(artifacts, facts, rb)
    for name, f in results:
        print(f"{name}: {f.severity.value} {f.rule} {f.message}")
    return 1 if any(f.severity.value == "error" for _n, f in results) else 0
