"""`candor init --email E`: the first run of a new deployment — migrate the store and create the
first administrator (prints a one-time password once). Does nothing when users exist, so a deploy
script may run it every time.
"""

from __future__ import annotations

import argparse


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `init` sub-command."""
    p = subs.add_parser(
        "init", help="Migrate the store and create the first admin user (no-op when users exist)."
    )
    p.add_argument("--email", required=True, help="E-mail address of the first administrator.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Migrate; create the admin when the store has no users and print the one-time password."""
    from app.auth.users import create_user
    from app.commands import common
    from app.store import repositories as repo
    from app.store.cli_db import open_store

    with open_store(common.settings()) as session:
        existing = repo.count_users(session)
        if existing:
            print(
                f"already initialised: {existing} user(s); create more with `candor users create`"
            )
            return 0
        user, otp = create_user(session, None, args.email, "admin")
        print(f"created {user.email} (admin), id {user.id}")
        print(f"one-time password: {otp}")
    return 0
