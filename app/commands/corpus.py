"""`candor corpus DIR [--format text|json|csv] [--jurisdiction CODE ...] [--out DIR]`.

Checks every letter in a folder (grammar off) and prints the table researchers and regulators
use (readability distribution, share of letters with each downplaying family, with each
required element per jurisdiction, with an apology and its components, with the first step
for the reader in the first third) and one row per letter. `--out DIR` also writes
`corpus.png` (chart) and `corpus.html` (report). Exit 0; 2 on bad input (one line).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.cli import CliError
from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `corpus` sub-command."""
    p = subs.add_parser(
        "corpus",
        help="Check every letter in a folder and report the corpus table (readability, downplaying, elements, apology).",
    )
    p.add_argument("folder", help="Folder of letters (*.md, *.txt; README files are skipped).")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text: table and rows; json: the whole report; csv: one row per letter.",
    )
    p.add_argument(
        "--jurisdiction",
        action="append",
        default=[],
        metavar="CODE",
        help="Look for this jurisdiction's required elements in every letter (repeatable). "
        "Without it, a letter's NAME.labels.yml `jurisdictions:` are used when present.",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="Also write DIR/corpus.png (chart) and DIR/corpus.html (report).",
    )
    p.set_defaults(func=run)


def build(folder: Path, jurisdictions: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Scan the folder and build the CorpusReport (shared by the CLI and the benchmark)."""
    from app.checks import syllables
    from app.corpus.scan import Selection, families, scan
    from app.corpus.summary import CorpusReport, summarise

    s = common.settings()
    rb = common.rulebook(s)
    unknown = [j for j in jurisdictions if j not in rb.jurisdictions]
    if unknown:
        raise CliError(
            f"unknown jurisdiction {', '.join(unknown)}; known: {', '.join(sorted(rb.jurisdictions))}"
        )
    rows, skipped = scan(folder, rb, s, Selection(jurisdictions=jurisdictions))
    syllables.save_extra()  # words counted by Pyphen this time are looked up next time
    return CorpusReport(
        folder=str(folder),
        rulebook=rb.hash,
        summary=summarise(rows, families(rb)),
        rows=rows,
        skipped=skipped,
    )


def run(args: argparse.Namespace) -> int:
    """Print the report in the chosen format; write the chart and HTML with --out."""
    from app.corpus.formats import format_csv, format_text

    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(f"{args.folder}: not a folder")
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise CliError(f"--out {args.out}: exists and is not a folder")
    report = build(folder, tuple(dict.fromkeys(args.jurisdiction)))
    if not report.rows:
        raise CliError(
            f"{args.folder}: no letters to check (*.md, *.txt)"
            + (
                f"; skipped: {', '.join(f'{s.file} ({s.reason})' for s in report.skipped)}"
                if report.skipped
                else ""
            )
        )
    if out is not None:
        from app.corpus.chart import write_chart
        from app.corpus.html import render_html

        out.mkdir(parents=True, exist_ok=True)
        write_chart(report, out / "corpus.png")
        (out / "corpus.html").write_text(render_html(report, chart="corpus.png"), encoding="utf-8")
    body = (
        report.model_dump_json(indent=2) + "\n"
        if args.format == "json"
        else format_csv(report)
        if args.format == "csv"
        else format_text(report) + "\n"
    )
    try:
        sys.stdout.write(body)
        sys.stdout.flush()
    except BrokenPipeError:  # `candor corpus DIR | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
