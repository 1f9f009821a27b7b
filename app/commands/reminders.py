"""`candor reminders run [--now DATETIME]`: one reminder pass (run it from cron, e.g. every 5 minutes).

`candor serve` runs the same pass every CANDOR_REMINDER_INTERVAL_S seconds in-process; both can run
at once (each reminder is claimed once). Exit 1 when a delivery failed (it is retried next pass).
"""

from __future__ import annotations

import argparse
import json

from app.cli import CliError
from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `reminders` sub-command."""
    p = subs.add_parser("reminders", help="Send due deadline reminders (webhook, e-mail) once.")
    a = p.add_subparsers(dest="reminders_command", required=True)
    r = a.add_parser("run", help="One pass: send every reminder that is due and not yet sent.")
    r.add_argument(
        "--now",
        help="Count from this date-time with offset instead of the real time (default: CANDOR_TODAY or now).",
    )
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """One pass; prints what was sent and what failed as JSON."""
    from app.domain.obligations import resolve_now
    from app.export.reminder_mail import mailer_from_settings
    from app.store.db import Database
    from app.store.migrate import upgrade
    from app.workflow.context import WorkflowContext
    from app.workflow.reminders import ReminderConfig, run_reminders, sync_all_plans

    s = common.settings()
    try:
        now = resolve_now(args.now or s.TODAY)
    except ValueError as exc:
        raise CliError(f"--now: {exc}") from None
    config = ReminderConfig.from_settings(s, mailer_from_settings(s))
    if not config.channels():
        raise CliError(
            "no reminder channel is configured: set CANDOR_REMINDER_WEBHOOK_URL, or "
            "CANDOR_REMINDER_EMAILS with CANDOR_SMTP_URL and CANDOR_SMTP_FROM"
        )
    db = Database.for_settings(s)
    try:
        upgrade(db.engine)
        sync_all_plans(db.sessions, WorkflowContext(settings=s, rulebook=common.rulebook(s)))
        result = run_reminders(db.sessions, config, now)
    finally:
        db.dispose()
    print(
        json.dumps(
            {"sent": result.sent, "failed": result.failed, "already_handled": result.skipped}
        )
    )
    return 1 if result.failed else 0
