"""Who runs a command that prints or changes money records, tariffs or plans: a user logged in
at the terminal (`--username`, else asked; the password is read without echo, or from standard
input with `--password-stdin` for scripts, and is never an argument), with that user's rights,
audited as that user, under the same lockout as the login window."""

from __future__ import annotations

import argparse
import getpass
import sys

from app.domain.core.errors import ValidationError
from app.services.core.context import Actor


def add_username(parser: argparse.ArgumentParser, what: str = "does it") -> None:
    parser.add_argument("--username", metavar="USER",
                        help=f"who {what} (asked when left out); the password is always asked")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input (scripts)")


def log_in(runtime, args: argparse.Namespace) -> Actor:
    from app.services.core.auth import AuthService

    try:
        username = args.username if args.username is not None else input("Username: ")
        if getattr(args, "password_stdin", False):
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"Password for {username.strip()}: ")
    except EOFError:  # run from a script or a pipe: nobody to ask
        raise ValidationError("Password", "is asked on the terminal, and there is none here (the "
                                          "input is closed): run the command in a terminal, or give "
                                          "--password-stdin") from None
    return AuthService(runtime.app).login(username, password)


def log_in_once_set_up(runtime, args: argparse.Namespace) -> Actor:
    """A data folder with no user yet is being set up (its tariffs and plans imported before
    anyone can log in): the command runs as System, which the audit trail says. Once a user
    exists, the command logs one in."""
    from sqlalchemy import exists, select

    from app.models.users import User
    from app.services.core.context import SYSTEM_ACTOR

    with runtime.app.sessions() as session:
        has_users = session.execute(select(exists().where(User.deleted.is_(False)))).scalar()
    return log_in(runtime, args) if has_users else SYSTEM_ACTOR
