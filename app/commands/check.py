"""`candor check FILE|- [--facts FACTS.json] [--jurisdiction CODE ...] [--tone TONE] [--format text|json]`.

Text output is one finding per line, like a compiler: `line:col severity rule message`
(document-level findings at `1:1`). JSON output is the Report the API returns.
Exit 0: no error-level finding; 1: error-level findings; 2: bad input (one line, no traceback).
"""

from __future__ import annotations

import argparse
import sys

from app.checks.base import Report
from app.checks.text import segment
from app.commands import common
from app.letters.context import TONES


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `check` sub-command."""
    p = subs.add_parser("check", help="Check a letter: readability, empathy, legal elements, facts, grammar.")
    p.add_argument("file", help="Letter text (Markdown or plain), or - for standard input.")
    p.add_argument("--facts", help="Incident facts JSON: compares dates, numbers and contacts, evaluates conditional elements.")
    p.add_argument("--jurisdiction", action="append", default=[], metavar="CODE",
                   help="Jurisdiction whose required and forbidden elements to check (repeatable), e.g. US-CA.")
    p.add_argument("--tone", choices=TONES, help="Tone whose readability thresholds apply (default: plain).")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--no-grammar", action="store_true", help="Skip the LanguageTool grammar check.")
    p.set_defaults(func=run)


def format_text(report: Report, text: str) -> str:
    """Compiler-style lines: `line:col severity rule message`."""
    doc = segment(text)
    lines = []
    for f in report.findings:
        line, col = doc.line_col(f.start) if f.start is not None and text else (1, 1)
        lines.append(f"{line}:{col} {f.severity.value} {f.rule} {' '.join(f.message.split())}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Check the letter and print the findings; exit 1 when any is an error."""
    from app.checks.engine import check_size, run_checks

    s = common.settings()
    text = common.read_text(args.file)
    check_size(text, s)
    facts = common.read_facts(args.facts) if args.facts else None
    rb = common.rulebook(s)
    report = run_checks(text, rulebook=rb, settings=s, facts=facts, jurisdictions=tuple(args.jurisdiction),
                        tone=args.tone, grammar=not args.no_grammar)
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    else:
        out = format_text(report, text)
        if out:
            print(out)
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
    return 1 if report.has_errors else 0
