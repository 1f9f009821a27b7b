"""`candor audit verify|checkpoint|list`: check the keyed chain, export signed checkpoints, list entries.

`verify` exits 1 naming the first broken entry. `checkpoint` appends a signed mark of the chain's
end to a file (CANDOR_AUDIT_CHECKPOINTS or --file) that the database admin cannot write; `verify`
then also fails when entries up to a checkpoint were deleted or rewritten.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.cli import CliError
from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `audit` sub-command group."""
    p = subs.add_parser("audit", help="Verify or list the audit log; export signed checkpoints.")
    a = p.add_subparsers(dest="audit_command", required=True)
    v = a.add_parser(
        "verify",
        help="Check the keyed hash chain (and the checkpoints); exit 1 naming the first broken entry.",
    )
    v.add_argument(
        "--checkpoints",
        metavar="FILE",
        help="Signed checkpoints to check against (default: CANDOR_AUDIT_CHECKPOINTS).",
    )
    v.set_defaults(func=verify)
    c = a.add_parser("checkpoint", help="Append a signed checkpoint of the chain's end to a file.")
    c.add_argument(
        "--file",
        metavar="FILE",
        help="Checkpoint file (default: CANDOR_AUDIT_CHECKPOINTS); - prints it.",
    )
    c.set_defaults(func=checkpoint)
    ls = a.add_parser("list", help="Print entries as JSON lines.")
    ls.add_argument("--after", type=int, default=0)
    ls.add_argument("--limit", type=int, default=100)
    ls.set_defaults(func=list_entries)


def _checkpoint_file(given: str | None) -> Path | None:
    if given:
        return Path(given)
    configured = common.settings().AUDIT_CHECKPOINTS
    return Path(configured) if configured else None


def load_checkpoints(path: Path | None) -> list[dict[str, Any]]:
    """The checkpoints in `path` (none when there is no file yet); CliError naming a bad line."""
    from app.workflow.audit import checkpoints_from_file

    try:
        return checkpoints_from_file(path)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def verify(args: argparse.Namespace) -> int:
    """Walk the chain; 0 when intact, 1 with the first broken entry otherwise."""
    from app.store.cli_db import open_store
    from app.workflow import audit

    path = _checkpoint_file(args.checkpoints)
    if args.checkpoints and not Path(args.checkpoints).exists():
        raise CliError(f"{args.checkpoints}: file not found")
    marks = load_checkpoints(path)
    with open_store(common.settings()) as session:
        r = audit.verify(session, marks)
    if r.ok:
        against = f", matches {r.checkpoints} signed checkpoint(s)" if r.checkpoints else ""
        print(f"audit log OK: {r.entries} entries, chain intact{against}")
        return 0
    print(
        f"audit log BROKEN at entry {r.broken_seq}: {r.reason} ({r.entries} entries verified before it)",
        file=sys.stderr,
    )
    return 1


def checkpoint(args: argparse.Namespace) -> int:
    """Append one signed checkpoint (JSON line) to the file; print it."""
    from app.store.cli_db import open_store
    from app.workflow import audit

    path = _checkpoint_file(args.file)
    if path is None:
        raise CliError("say where to write the checkpoint: --file FILE or CANDOR_AUDIT_CHECKPOINTS")
    with open_store(common.settings()) as session:
        verdict = audit.verify(session, load_checkpoints(None if str(path) == "-" else path))
        if not verdict.ok:
            print(
                f"audit log BROKEN at entry {verdict.broken_seq}: {verdict.reason}; no checkpoint written",
                file=sys.stderr,
            )
            return 1
        mark = audit.checkpoint(session)
    line = json.dumps(mark, sort_keys=True)
    if str(path) != "-":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError as exc:
            raise CliError(f"{path}: cannot write: {exc.strerror}") from None
    print(line)
    return 0


def list_entries(args: argparse.Namespace) -> int:
    """Print entries after `--after`, one JSON object per line."""
    from app.store import repositories as repo
    from app.store.cli_db import open_store

    with open_store(common.settings()) as session:
        for e in repo.audit_entries(session, after=args.after, limit=args.limit):
            print(json.dumps(repo.as_dict(e), sort_keys=True))
    return 0
