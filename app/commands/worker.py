"""`candor worker [--concurrency N]`: run merges and other long jobs taken from the database.

Start it on any machine that reaches the PostgreSQL database (CANDOR_DATABASE_URL) and the export
storage (CANDOR_EXPORT_DIR, shared). ``--concurrency N`` starts N worker processes: a merge is CPU
work, and threads of one Python process would share one core. SIGTERM or Ctrl+C stops after the
running tasks; a worker killed outright loses nothing: after CANDOR_WORKER_STALLED_S without its
heartbeat another worker takes its tasks again.
"""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys

from app.cli import CliError
from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `worker` sub-command."""
    p = subs.add_parser(
        "worker", help="Run queued merges and other long jobs (PostgreSQL; any machine)."
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=1,
        metavar="N",
        help="Worker processes to run (default 1; use one per core).",
    )
    p.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one worker here, or N worker processes and wait for them."""
    from app.core.logs import configure_logging
    from app.export.worker import run_worker

    if not 1 <= args.concurrency <= 256:
        raise CliError(f"--concurrency must be between 1 and 256, not {args.concurrency}")
    settings = common.settings()
    if not settings.DATABASE_URL.startswith("postgresql"):
        raise CliError(
            "candor worker needs a PostgreSQL database (CANDOR_DATABASE_URL); with SQLite the "
            "web process runs the jobs itself"
        )
    configure_logging(settings.LOG_FORMAT, getattr(logging, args.log_level.upper()))
    if args.concurrency == 1:
        run_worker(settings)
        return 0
    cmd = [sys.executable, "-m", "app.cli", "worker", "--log-level", args.log_level]
    children = [subprocess.Popen(cmd) for _ in range(args.concurrency)]  # noqa: S603 - our own command

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return max(child.wait() for child in children)
