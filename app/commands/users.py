"""`candor users create --role ROLE --email E [--token]` and `candor users token --email E`.

Passwords and tokens are printed once to standard output and never stored in clear.
"""

from __future__ import annotations

import argparse
import sys

from app.auth.roles import ROLES
from app.cli import CliError
from app.commands import common


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `users` sub-command group."""
    p = subs.add_parser("users", help="Create users and API tokens.")
    us = p.add_subparsers(dest="users_command", required=True)
    c = us.add_parser(
        "create", help="Create a user; prints a one-time password (and a token with --token)."
    )
    c.add_argument("--role", required=True, choices=ROLES)
    c.add_argument("--email", required=True)
    c.add_argument("--token", action="store_true", help="Also create an API token and print it.")
    c.set_defaults(func=create)
    t = us.add_parser("token", help="Create an API token for a user and print it once.")
    t.add_argument("--email", required=True)
    t.add_argument("--name", default="cli")
    t.set_defaults(func=token)
    ls = us.add_parser("list", help="List users.")
    ls.set_defaults(func=list_users)


def create(args: argparse.Namespace) -> int:
    """Create the user and print the one-time password (and token)."""
    from app.auth.users import create_user, issue_token
    from app.store.cli_db import open_store

    with open_store(common.settings()) as session:
        user, otp = create_user(session, None, args.email, args.role)
        print(f"created {user.email} ({user.role}), id {user.id}")
        print(f"one-time password: {otp}")
        if args.token:
            row, secret = issue_token(
                session, None, user, "cli", common.settings().TOKEN_LIFETIME_DAYS
            )
            print(f"api token: {secret}")
            print(f"token expires: {row.expires_at.isoformat()}")
    return 0


def token(args: argparse.Namespace) -> int:
    """Issue and print a new token."""
    from app.auth.users import find_user, issue_token
    from app.store.cli_db import open_store

    with open_store(common.settings()) as session:
        user = find_user(session, args.email)
        if user is None:
            raise CliError(
                f"--email: no user {args.email!r}; create one with `candor users create`"
            )
        row, secret = issue_token(
            session, None, user, args.name, common.settings().TOKEN_LIFETIME_DAYS
        )
        print(secret)
        print(f"token expires: {row.expires_at.isoformat()}", file=sys.stderr)
    return 0


def list_users(args: argparse.Namespace) -> int:
    """Print id, role, e-mail and status of every user."""
    from app.store import repositories as repo
    from app.store.cli_db import open_store

    with open_store(common.settings()) as session:
        for u in repo.list_users(session):
            print(f"{u.id}\t{u.role}\t{u.email}\t{'active' if u.active else 'inactive'}")
    return 0
