"""The `candor` command. Each sub-command lives in app/commands/<name>.py.

Exit codes: 0 success, 1 the check found error-level problems, 2 bad input (one-line message
on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Sub-command modules; each defines `register(subparsers)` and sets `func` on its parser.
COMMANDS = (
    "serve",
    "init",
    "draft",
    "check",
    "consistency",
    "obligations",
    "rules",
    "users",
    "audit",
    "merge",
    "corpus",
    "worker",
    "evidence",
    "reminders",
)


class CliError(Exception):
    """Bad input on the command line: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"candor: error: {message}\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser. When `argv` names a sub-command only that one's module is imported
    (a command-line check stays fast: no web, database or export code); otherwise all are."""
    return _build(argv)[0]


def subcommands() -> list[str]:
    """Every sub-command name `candor --help` lists (the docs and deploy files must cover each)."""
    return list(_build(None)[1].choices)


def _build(argv: Sequence[str] | None) -> tuple[argparse.ArgumentParser, argparse.Action]:
    parser = _Parser(prog="candor", description="Draft and check data-breach notification letters.")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    first = next((a for a in argv or () if not a.startswith("-")), None)
    for name in (first,) if first in COMMANDS else COMMANDS:
        importlib.import_module(f"app.commands.{name}").register(subs)
    return parser, subs


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not _user_error(exc):
            raise
        message = getattr(exc, "message", str(exc))
        print(f"candor: error: {message}", file=sys.stderr)
        return 2
    return int(code or 0)


def _user_error(exc: BaseException) -> bool:
    """CliError, AppError or ConfigError: bad input or configuration, reported in one line.

    Looked up in the modules already loaded (an AppError can only come from a module that
    imported app.core.errors), so starting the CLI imports none of them."""
    if isinstance(exc, CliError):
        return True
    for module, name in (
        ("app.core.errors", "AppError"),
        ("app.core.paths", "ConfigError"),
    ):
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None and isinstance(exc, cls):
            return True
    return False


if __name__ == "__main__":  # pragma: no cover
    # Run through the imported module so `python -m app.cli` and the sub-commands share one CliError.
    from app.cli import main as _main

    sys.exit(_main())
