"""Who runs a command that prints or changes money records: a user logged in at the terminal
(`--username`, else asked; the password is read without echo, never taken as an argument), with
that user's rights, audited as that user, under the same lockout as the login window."""

from __future__ import annotations

import argparse
import getpass

from app.services.core.context import Actor


def add_username(parser: argparse.ArgumentParser, what: str = "does it") -> None:
    parser.add_argument("--username", metavar="USER",
                        help=f"who {what} (asked when left out); the password is always asked")


def log_in(runtime, args: argparse.Namespace) -> Actor:
    from app.services.core.auth import AuthService

    username = args.username if args.username is not None else input("Username: ")
    password = getpass.getpass(f"Password for {username.strip()}: ")
    return AuthService(runtime.app).login(username, password)
