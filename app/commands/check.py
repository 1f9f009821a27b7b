"""`candor check FILE|- [FILE ...] [--facts FACTS.json] [--jurisdiction CODE ...] [--tone TONE] [--format text|json|github|sarif]`.

Text output is one finding per line, like a compiler: `line:col severity rule message`
(document-level findings at `1:1`; with several files each line starts with `FILE:`). JSON
output is the Report the API returns (one file only); `github` prints workflow annotations and
`sarif` one SARIF 2.1.0 log for all files (app/commands/report_formats.py). Several files let
pre-commit pass every changed letter at once (.pre-commit-hooks.yaml).
Exit 0: no error-level finding; 1: error-level findings; 2: bad input (one line, no traceback).

Imports stay light — no pydantic, pydantic-settings, YAML, web, database or template code
unless `--facts` is given — the settings come from app/checks/settings.py and the rules from the
compiled-rulebook cache as plain records, so the command starts as quickly as a linter
(bench/bench_cli.py; tests/commands/test_check_imports.py keeps it so).
"""

from __future__ import annotations

import argparse
import sys

from app.checks.base import Report
from app.checks.text import segment
from app.commands import common
from app.domain.channels import CHANNELS, LANGUAGES

FORMATS = ("text", "json", "github", "sarif")


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `check` sub-command."""
    p = subs.add_parser(
        "check", help="Check a letter: readability, empathy, legal elements, facts, grammar."
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="Letter text (Markdown or plain), or - for standard input.",
    )
    p.add_argument(
        "--facts",
        help="Incident facts JSON: compares dates, numbers and contacts, evaluates conditional elements.",
    )
    p.add_argument(
        "--jurisdiction",
        action="append",
        default=[],
        metavar="CODE",
        help="Jurisdiction whose required and forbidden elements to check (repeatable), e.g. US-CA.",
    )
    p.add_argument(
        "--tone",
        metavar="TONE",
        help="Tone whose readability thresholds apply: plain (default), empathetic or formal.",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (compiler-style lines), json (the API's report), github (workflow annotations), sarif (SARIF 2.1.0).",
    )
    p.add_argument(
        "--channel",
        choices=CHANNELS,
        default="letter",
        help="Which artifact the text is: its own required and forbidden elements apply (default letter).",
    )
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="The text's language: picks its rules, element detectors and readability formulas (default en).",
    )
    p.add_argument("--no-grammar", action="store_true", help="Skip the grammar and spelling check.")
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
    """Check each letter and print the findings; exit 1 when any is an error."""
    from app.checks import syllables
    from app.checks.engine import check_size, run_checks
    from app.cli import CliError

    if args.format == "json" and len(args.files) > 1:
        raise CliError(
            "--format json takes one file; use --format sarif (or text, github) for several"
        )
    s = common.check_settings()
    texts = [(path, common.read_text(path)) for path in args.files]
    for _path, text in texts:
        check_size(text, s)
    facts = common.read_facts(args.facts) if args.facts else None
    rb = common.rulebook(s, compiled=True)
    grammar = False if args.no_grammar else _grammar_checker(s)
    reports = [
        (
            path,
            text,
            run_checks(
                text,
                rulebook=rb,
                settings=s,
                facts=facts,
                jurisdictions=tuple(args.jurisdiction),
                tone=args.tone,
                grammar=grammar,
                channel=args.channel,
                language=args.language,
            ),
        )
        for path, text in texts
    ]
    syllables.save_extra()  # words counted by Pyphen this time are looked up next time
    out = _render(args.format, reports)
    if out:
        print(out)
    if args.format == "text":
        for _path, _text, report in reports:
            for note in report.notes:
                print(f"note: {note}", file=sys.stderr)
    return 1 if any(report.has_errors for _p, _t, report in reports) else 0


def _grammar_checker(s):  # type: ignore[no-untyped-def]
    """The settings' grammar checker; Harper keeps its per-paragraph findings in the cache folder
    too, so checking unchanged letters again needs no linter (about a second to build)."""
    from app.checks.grammar import grammar_checker_from_settings

    checker = grammar_checker_from_settings(s)
    from app.checks.harper_checker import HarperChecker

    if isinstance(checker, HarperChecker):
        return HarperChecker(checker.language, disk_cache=s.cache_dir())
    return checker


def _render(fmt: str, reports: list[tuple[str, str, Report]]) -> str:
    if fmt == "json":
        return reports[0][2].model_dump_json(indent=2)
    if fmt == "sarif":
        from app.commands.report_formats import format_sarif

        return format_sarif(reports)
    if fmt == "github":
        from app.commands.report_formats import format_github

        return "\n".join(
            filter(None, (format_github(report, text, path) for path, text, report in reports))
        )
    several = len(reports) > 1
    blocks = []
    for path, text, report in reports:
        block = format_text(report, text)
        if several and block:
            block = "\n".join(f"{path}:{line}" for line in block.split("\n"))
        blocks.append(block)
    return "\n".join(filter(None, blocks))
