"""The `utilitydesk` command: the desktop app and its administration subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from app.config import resolve_data_dir
from app.domain.core.errors import UtilityDeskError


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the `command` about to run, the other commands'
    arguments that take long to import (the sync service's) are left out."""
    parser = argparse.ArgumentParser(
        prog="utilitydesk",
        description="UtilityDesk: the service-centre desktop for an electricity, water and gas utility.",
    )
    parser.add_argument("--data-dir", help="data folder (default: the platform's user data folder, "
                                           "or $UTILITYDESK_DATA_DIR)")
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="start the desktop app (the default)")

    demo = sub.add_parser("demo", help="build a demo utility in the data folder's database")
    demo.add_argument("--consumers", type=int, default=400)
    demo.add_argument("--months", type=int, default=14)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--today", type=date.fromisoformat, default=None,
                      help="generate relative to this date (default: today)")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing when the database already holds a utility")
    demo.add_argument("--database-url", default=None, help="another database (e.g. PostgreSQL)")
    demo.add_argument("--currency", default="USD", choices=("USD", "INR"),
                      help="the demo utility's currency (the specs' samples are in dollars)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply pending schema migrations")
    db_sub.add_parser("status", help="show the schema revision")

    shots = sub.add_parser("screenshots", help="render the login window and main screens to PNG")
    shots.add_argument("--out", required=True, type=Path)

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", help="verify the audit hash chain")

    from app.cli_tariffs import add_tariff_parser

    add_tariff_parser(sub)

    server = sub.add_parser("server", help="run the central sync service (uvicorn)")
    sync = sub.add_parser("sync", help="enrol with the central service and sync once")
    if command in (None, "server", "sync"):  # their arguments import FastAPI and httpx: ~1 s
        from sync.cli_sync import add_arguments as sync_arguments
        from sync.server.main import add_arguments as server_arguments

        server_arguments(server)
        sync_arguments(sync)
    if command != "tariff":  # the counter's commands import the service layer (~0.2 s)
        from app.cli_counter import add_counter_commands

        add_counter_commands(sub)
    return parser


def _data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(args.data_dir)


def cmd_gui(args: argparse.Namespace) -> int:
    from app.views.application import run_gui

    return run_gui(_data_dir(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo.generator import DemoOptions, build_demo_in

    summary = build_demo_in(_data_dir(args), DemoOptions(
        consumers=args.consumers, months=args.months, seed=args.seed, today=args.today,
        if_missing=args.if_missing, database_url=args.database_url, currency=args.currency,
    ))
    print(summary.describe())
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from app.models.db import current_revision
    from app.runtime import open_runtime

    runtime = open_runtime(_data_dir(args))  # opening applies pending migrations
    try:
        print(f"Database {runtime.paths.database}: schema {current_revision(runtime.engine)}")
    finally:
        runtime.close()
    return 0


def cmd_screenshots(args: argparse.Namespace) -> int:
    from app.views.screenshots import render_screenshots

    for path in render_screenshots(_data_dir(args), args.out):
        print(path)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from app.runtime import open_runtime
    from app.services.core.audit import verify

    runtime = open_runtime(_data_dir(args), lock=False)
    try:
        with runtime.app.sessions() as session:
            check = verify(session)
    finally:
        runtime.close()
    if check.intact:
        print(f"Audit chain intact: {check.entries_checked} entries verified.")
        return 0
    print(f"Audit chain BROKEN at entry {check.first_broken_seq}: {check.problem}.")
    return 1


def cmd_tariff(args: argparse.Namespace) -> int:
    from app.cli_tariffs import cmd_tariff as run

    return run(args, _data_dir)


def cmd_server(args: argparse.Namespace) -> int:
    from sync.server.main import run

    return run(args)


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.cli_sync import run

    return run(args, _data_dir(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui, "demo": cmd_demo, "db": cmd_db, "screenshots": cmd_screenshots, "audit": cmd_audit,
    "tariff": cmd_tariff, "server": cmd_server, "sync": cmd_sync,
}


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any, before parsing it."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--data-dir":
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    command = COMMANDS.get(args.command or "gui")
    if command is None:
        from app.cli_counter import COUNTER_COMMANDS

        command = COUNTER_COMMANDS[args.command]
    try:
        return command(args)
    except UtilityDeskError as error:
        print(f"utilitydesk: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
