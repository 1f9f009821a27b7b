"""`candor serve [--host H] [--port P]`: migrate the store named by CANDOR_DATABASE_URL and serve."""

from __future__ import annotations

import argparse

from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `serve` sub-command."""
    p = subs.add_parser("serve", help="Apply pending migrations and run the web service.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the app (start-up migrates and seeds) and serve it with uvicorn."""
    import uvicorn

    from app.main import create_app

    app = create_app(common.settings())
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0
