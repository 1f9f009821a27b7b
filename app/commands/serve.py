"""`candor serve [--host H] [--port P]`: migrate the store named by CANDOR_DATABASE_URL and serve.

With a reminder channel configured (docs/obligations.md) it also sends deadline reminders every
CANDOR_REMINDER_INTERVAL_S seconds from a background thread (0 turns it off; cron can run
`candor reminders run` instead, or as well).

Logs go to standard error in CANDOR_LOG_FORMAT (`text` or `json`); uvicorn's own logging
configuration is not used, so its lines get the same format and request ids.
"""

from __future__ import annotations

import argparse
import logging

from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `serve` sub-command."""
    p = subs.add_parser("serve", help="Apply pending migrations and run the web service.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--port", type=int, default=8000, help="Port (0: one the system picks; the log names it)."
    )
    p.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the app (start-up checks folders, migrates and seeds) and serve it with uvicorn."""
    import uvicorn

    from app.core.logs import configure_logging
    from app.main import create_app, freeze_loaded

    settings = common.settings()
    configure_logging(settings.LOG_FORMAT, getattr(logging, args.log_level.upper()))
    app = create_app(settings)
    loop = _reminder_loop(app, settings)
    freeze_loaded()
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=False,
            log_config=None,
        )
    finally:
        if loop is not None:
            loop.stop()
    return 0


def _reminder_loop(app, settings):  # type: ignore[no-untyped-def]
    """Start the in-process reminder scheduler when a channel is configured and the interval is set."""
    from app.export.reminder_mail import mailer_from_settings
    from app.workflow.reminders import ReminderConfig, ReminderLoop

    config = ReminderConfig.from_settings(settings, mailer_from_settings(settings))
    if settings.REMINDER_INTERVAL_S <= 0 or not config.channels():
        return None
    loop = ReminderLoop(app.state.db, app.state.workflow, config, settings.REMINDER_INTERVAL_S)
    loop.start()
    logging.getLogger("candor").info(
        "reminders: a pass every %ss (%s)",
        settings.REMINDER_INTERVAL_S,
        ", ".join(config.channels()),
    )
    return loop
