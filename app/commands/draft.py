"""`candor draft FACTS.json --tone TONE [--jurisdiction CODE] [--format text|html]`: print a letter."""

from __future__ import annotations

import argparse

from app.cli import CliError
from app.commands import common
from app.core.config import require_dir
from app.letters.context import TONES
from app.letters.drafting import draft_letter


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `draft` sub-command."""
    p = subs.add_parser("draft", help="Draft a letter from incident facts.")
    p.add_argument("facts", help="Incident facts JSON file, or - for standard input.")
    p.add_argument("--tone", choices=TONES, default="plain")
    p.add_argument(
        "--jurisdiction",
        default="US-GENERIC",
        help="Letter variant's jurisdiction code (default US-GENERIC).",
    )
    p.add_argument("--format", choices=("text", "html"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the drafted letter."""
    facts = common.read_facts(args.facts)
    s = common.settings()
    rb = common.rulebook(s)
    if args.jurisdiction not in rb.jurisdictions:
        raise CliError(
            f"--jurisdiction: unknown code {args.jurisdiction!r}; known: {', '.join(sorted(rb.jurisdictions))}"
        )
    letter = draft_letter(
        facts, rb, require_dir(s, "TEMPLATES_DIR"), tone=args.tone, jurisdiction=args.jurisdiction
    )
    if args.format == "html":
        from app.letters.markup import to_html

        print(to_html(letter.text))
    else:
        print(letter.text, end="")
    return 0
