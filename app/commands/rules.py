"""`candor rules [--format text|json]` lists rules, kinds and jurisdictions; `candor rules validate [DIR]`.

`validate` loads a rules folder the way the service does at start-up and prints `ok` with the
content hash, or the `file: field: reason` error (exit 2).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.cli import CliError
from app.commands import common
from app.core.errors import AppError
from app.rulebook.catalog import catalog
from app.rulebook.loader import load_rulebook


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `rules` sub-command."""
    p = subs.add_parser("rules", help="List the rulebook, or validate a rules folder.")
    p.add_argument("action", nargs="?", choices=("list", "validate"), default="list")
    p.add_argument(
        "dir", nargs="?", help="Rules folder for `validate` (default: CANDOR_RULES_DIR)."
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List or validate."""
    if args.action == "validate":
        root = Path(args.dir) if args.dir else common.settings().RULES_DIR
        try:
            rb = load_rulebook(root)
        except AppError as exc:
            raise CliError(exc.message) from None
        print(f"ok: {len(rb.rules)} rules, {len(rb.jurisdictions)} jurisdictions, {rb.hash}")
        return 0
    data = catalog(common.rulebook())
    if args.format == "json":
        print(json.dumps(data, indent=2))
        return 0
    print(f"rulebook {data['rulebook']}")
    for r in data["rules"]:
        if r["kind"] == "legal_elements":
            continue
        print(
            f"{r['id']:40} {r['kind']:18} {r['level'] or '':10} {' '.join(r['tones']) or 'all tones'}"
        )
    print()
    for j in data["jurisdictions"]:
        print(
            f"{j['code']:12} reviewed {j['reviewed']}  {j['name']} — {j['title']}{' (UNVERIFIED parts)' if j['unverified'] else ''}"
        )
    return 0
