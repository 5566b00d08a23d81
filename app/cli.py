"""The `utilitydesk` command: the desktop app and its administration subcommands."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.cli_args import iso_date, whole_number
from app.domain.core.errors import UtilityDeskError

COUNTER_NAMES = frozenset({"printer", "receipt", "cash"})  # app/cli_counter.py
BILLING_NAMES = frozenset({"cycles", "bills", "reads", "gl"})  # app/cli_billing.py
# Commands whose parsers live in modules of their own (the ones above too): for any other named
# command they are not imported (#17: every command's --help under 0.5 s).
OWN_MODULE_NAMES = frozenset({"tariff", "requests", "dashboard"}) | COUNTER_NAMES | BILLING_NAMES


def build_parser(command: str | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The parser for `command` (None: the top-level help); `full` builds every argument of every
    command (the guard test walks them)."""
    """The whole command line; given the `command` about to run, the other commands'
    arguments that take long to import (the sync service's) are left out."""
    parser = argparse.ArgumentParser(
        prog="utilitydesk",
        description="UtilityDesk: the service-centre desktop for an electricity, water and gas utility.",
    )
    parser.add_argument("--data-dir", help="data folder (default: the platform's user data folder, "
                                           "or $UTILITYDESK_DATA_DIR)")
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--smoke", action="store_true",
                        help="check this installation starts: offscreen, on a fresh data folder "
                             "(or --data-dir), run the migrations, show the login window, exit 0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="start the desktop app (the default)")

    demo = sub.add_parser("demo", help="build a demo utility in the data folder's database")
    demo.add_argument("--consumers", type=whole_number(2, 5_000_000), default=400,
                      help="how many consumers (at least the specs' 2 samples)")
    demo.add_argument("--months", type=whole_number(1, 120), default=14, help="months of history")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--today", type=iso_date, default=None,
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

    # Only the named command's parser module is imported; all of them for the top-level help, or
    # when the command is not a known one (argparse then lists every choice).
    def wanted(*names: str) -> bool:
        return full or command is None or command in names or command not in _KNOWN

    if wanted("tariff"):
        from app.cli_tariffs import add_tariff_parser

        add_tariff_parser(sub)
    if wanted("plans"):
        from app.cli_plans import add_plans_parser

        add_plans_parser(sub)
    if wanted("requests"):
        from app.cli_requests import add_requests_parser

        add_requests_parser(sub)
    if wanted("dashboard"):
        from app.cli_dashboard import add_dashboard_parser

        add_dashboard_parser(sub)

    server = sub.add_parser("server", help="run the central sync service (uvicorn)")
    sync = sub.add_parser("sync", help="enrol with the central service and sync once")
    if full or command in ("server", "sync"):  # light modules: FastAPI and httpx only when run
        from sync.cli_sync_args import add_arguments as sync_arguments
        from sync.server.arguments import add_arguments as server_arguments

        server_arguments(server)
        sync_arguments(sync)
    # The counter's and billing's commands import the service layer: only for their own commands
    # (and for the full help), so that every other command starts without it.
    if wanted(*COUNTER_NAMES):
        from app.cli_counter import add_counter_commands

        add_counter_commands(sub)
    if wanted(*BILLING_NAMES):
        from app.cli_billing import add_billing_commands

        add_billing_commands(sub)
    return parser


def _data_dir(args: argparse.Namespace) -> Path:
    from app.config import resolve_data_dir  # platformdirs and tomllib: not for a --help

    return resolve_data_dir(args.data_dir)


def _no_display() -> str | None:
    """Qt aborts the process when it has no display; say so in one line instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("there is no display to show the app on (neither DISPLAY nor WAYLAND_DISPLAY is "
            "set): start it from a desktop session, or set QT_QPA_PLATFORM=offscreen for a check")


def cmd_gui(args: argparse.Namespace) -> int:
    problem = _no_display()
    if problem:
        print(f"utilitydesk: {problem}", file=sys.stderr)
        return 2
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

    # opening applies pending migrations; `db status` only reads
    runtime = open_runtime(_data_dir(args), existing=args.db_command == "status")
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
    from app.config import Paths, require_database
    from app.services.core.audit_chain import verify_file

    # Read-only and light (#17): the file is read with sqlite3, without SQLAlchemy, migrations or
    # the instance lock, so it may check the chain while the app is open on the folder.
    folder = _data_dir(args)
    require_database(folder)
    check = verify_file(Paths(folder).database)
    if check.intact:
        print(f"Audit chain intact: {check.entries_checked} entries verified.")
        return 0
    print(f"Audit chain BROKEN at entry {check.first_broken_seq}: {check.problem}.")
    return 1


def cmd_tariff(args: argparse.Namespace) -> int:
    from app.cli_tariffs import cmd_tariff as run

    return run(args, _data_dir)


def cmd_plans(args: argparse.Namespace) -> int:
    from app.cli_plans import cmd_plans as run

    return run(args, _data_dir)


def cmd_requests(args: argparse.Namespace) -> int:
    from app.cli_requests import cmd_requests as run

    return run(args, _data_dir)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from app.cli_dashboard import cmd_dashboard as run

    return run(args, _data_dir)


def cmd_server(args: argparse.Namespace) -> int:
    from sync.server.main import run

    return run(args)


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.cli_sync import run

    return run(args, _data_dir(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui, "demo": cmd_demo, "db": cmd_db, "screenshots": cmd_screenshots, "audit": cmd_audit,
    "tariff": cmd_tariff, "plans": cmd_plans, "requests": cmd_requests, "dashboard": cmd_dashboard,
    "server": cmd_server, "sync": cmd_sync,
}
_KNOWN = frozenset(COMMANDS) | OWN_MODULE_NAMES


def cmd_smoke(args: argparse.Namespace) -> int:
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.views.application import run_smoke

    if args.data_dir:
        return run_smoke(_data_dir(args))
    with tempfile.TemporaryDirectory(prefix="utilitydesk-smoke-") as folder:
        return run_smoke(Path(folder))


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, before parsing it: None for the top-level help,
    "gui" (the default) when none is named, so that the app's start builds no other parser."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--data-dir":
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None if any(_asks_help(token) for token in argv) else "gui"


def _asks_help(token: str) -> bool:
    return token == "-h" or (len(token) >= 3 and "--help".startswith(token))  # argparse: --he


def _command_of(args: argparse.Namespace) -> Callable[[argparse.Namespace], int]:
    if args.smoke:
        return cmd_smoke
    name = args.command or "gui"
    if name in COMMANDS:
        return COMMANDS[name]
    from app.cli_billing import BILLING_COMMANDS
    from app.cli_counter import COUNTER_COMMANDS

    return {**COUNTER_COMMANDS, **BILLING_COMMANDS}[name]


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    command = _command_of(args)
    try:
        return command(args)
    except UtilityDeskError as error:
        print(f"utilitydesk: {error.message}", file=sys.stderr)
        for problem in getattr(error, "problems", ()):  # an import refused: each bad row
            print(f"  {problem.describe() if hasattr(problem, 'describe') else problem}",
                  file=sys.stderr)
        return 2
    except OSError as error:  # a file or folder the user named cannot be read or written
        where = f"{error.filename}: " if error.filename else ""
        print(f"utilitydesk: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a defect, not a user mistake: one line here, the trace in the log
        logging.getLogger("utilitydesk").exception("%s failed", args.command or "gui")
        print(f"utilitydesk: unexpected error ({type(error).__name__}: {error}); the details are "
              f"in the log of the data folder (logs/utilitydesk.log)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
