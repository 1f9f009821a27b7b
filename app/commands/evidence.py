"""`candor evidence INCIDENT --out FILE.zip [--include-recipients]` and `candor evidence verify FILE.zip`.

The bundle holds an incident's facts versions, approved letters, approvals, waivers, checklists,
plan with proof, audit extract with the chain's verification, rule sources and a signed manifest
(docs/obligations.md). `verify` exits 0 when every file matches, 1 naming what does not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import CliError
from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `evidence` sub-command."""
    p = subs.add_parser(
        "evidence",
        help="Write an incident's evidence bundle (zip), or verify one: `candor evidence verify FILE.zip`.",
    )
    p.add_argument("target", help="Incident id, or `verify`.")
    p.add_argument("file", nargs="?", help="With `verify`: the bundle to check.")
    p.add_argument("--out", metavar="FILE.zip", help="Where to write the bundle.")
    p.add_argument(
        "--include-recipients",
        action="store_true",
        help="Also include the mail-merge manifests and reject lists (recipient ids): left out by default.",
    )
    p.add_argument(
        "--hashes-only",
        action="store_true",
        help="With `verify`: check the files without the audit key (the signature is not checked).",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build or verify."""
    if args.target == "verify":
        return _verify(args)
    if args.file:
        raise CliError(f"unexpected argument {args.file!r}; use --out FILE.zip")
    if not args.target.isdigit() or not 1 <= int(args.target) <= 2**31 - 1:
        raise CliError(f"{args.target!r} is not an incident id (a whole number) or `verify`")
    if not args.out:
        raise CliError("say where to write the bundle: --out FILE.zip")
    return _build(int(args.target), Path(args.out), args.include_recipients)


def _build(incident_id: int, out: Path, include_recipients: bool) -> int:
    from app.core.errors import NotFound
    from app.export.evidence import build_bundle
    from app.store.cli_db import open_store
    from app.workflow.context import WorkflowContext
    from app.workflow.plan_view import ensure_plan

    s = common.settings()
    if out.exists() and out.is_dir():
        raise CliError(f"{out}: is a folder; give a file name like bundle.zip")
    if not out.parent.is_dir():
        raise CliError(f"{out.parent}: folder does not exist")
    ctx = WorkflowContext(settings=s, rulebook=common.rulebook(s))
    with open_store(s) as session:
        from app.store import repositories as repo

        try:
            incident = repo.get_incident(session, incident_id)
        except NotFound:
            raise CliError(f"incident {incident_id} does not exist") from None
        ensure_plan(session, ctx, None, incident)
        data = build_bundle(session, ctx, None, incident_id, include_recipients=include_recipients)
        tmp = out.with_name(f".{out.name}.part")
        try:
            tmp.write_bytes(data)
            tmp.replace(out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CliError(f"{out}: cannot write: {exc.strerror}") from None
        session.commit()  # the export is audited only once the file is written
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


def _key_if_available(s) -> bytes | None:  # type: ignore[no-untyped-def]
    from app.core.audit_key import load_audit_key

    if s.AUDIT_KEY or Path(s.AUDIT_KEY_FILE).is_file():
        return load_audit_key(s)
    return None


def _verify(args: argparse.Namespace) -> int:
    from app.export.evidence_verify import verify_bundle

    if not args.file:
        raise CliError("say which bundle to verify: candor evidence verify FILE.zip")
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: file not found")
    key = None if args.hashes_only else _key_if_available(common.settings())
    if key is None and not args.hashes_only:
        raise CliError(
            "no audit key to check the signature (set CANDOR_AUDIT_KEY or CANDOR_AUDIT_KEY_FILE), "
            "or check the hashes alone with --hashes-only"
        )
    verdict = verify_bundle(path, key)
    if verdict.ok:
        how = (
            "signature valid" if verdict.signature == "valid" else "signature NOT checked (no key)"
        )
        print(f"evidence bundle OK: {verdict.files} files match the manifest; {how}")
        return 0
    for problem in verdict.problems:
        print(f"evidence bundle BROKEN: {problem}", file=sys.stderr)
    return 1
