"""`candor audit verify` (exit 1 and name the first broken entry) and `candor audit list`."""

from __future__ import annotations

import argparse
import json
import sys

from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `audit` sub-command group."""
    p = subs.add_parser("audit", help="Verify or list the audit log.")
    a = p.add_subparsers(dest="audit_command", required=True)
    v = a.add_parser("verify", help="Check the hash chain; exit 1 naming the first broken entry.")
    v.set_defaults(func=verify)
    ls = a.add_parser("list", help="Print entries as JSON lines.")
    ls.add_argument("--after", type=int, default=0)
    ls.add_argument("--limit", type=int, default=100)
    ls.set_defaults(func=list_entries)


def verify(args: argparse.Namespace) -> int:
    """Walk the chain; 0 when intact, 1 with the first broken entry otherwise."""
    from app.store.cli_db import open_store
    from app.workflow import audit

    with open_store(common.settings()) as session:
        r = audit.verify(session)
    if r.ok:
        print(f"audit log OK: {r.entries} entries, chain intact")
        return 0
    print(f"audit log BROKEN at entry {r.broken_seq}: {r.reason} ({r.entries} entries verified before it)", file=sys.stderr)
    return 1


def list_entries(args: argparse.Namespace) -> int:
    """Print entries after `--after`, one JSON object per line."""
    from app.store import repositories as repo
    from app.store.cli_db import open_store

    with open_store(common.settings()) as session:
        for e in repo.audit_entries(session, after=args.after, limit=args.limit):
            print(json.dumps(repo.as_dict(e), sort_keys=True))
    return 0
