"""Counter commands of `utilitydesk`: printer test, receipt reprint, cash session reports.

The commands that print or copy money records (receipts, X and Z reports) log a user in
first (`--username`, else asked, and a password prompt that does not echo): they are done
with that user's rights and audited as that user, with the same lockout as the login window.
Each takes the data folder's instance lock, as the app does: none may run while the app is
open on the same folder.
"""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Callable
from pathlib import Path

from app.domain.core.errors import NotFound, ValidationError
from app.services.core.context import Actor

PRINTER_HELP = "tcp://host:9100, usb://VID:PID, serial:///dev/ttyUSB0?baud=19200 or file:///path"


def add_counter_commands(sub: argparse._SubParsersAction) -> None:
    printer = sub.add_parser("printer", help="receipt printer tools")
    printer_sub = printer.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    test = printer_sub.add_parser("test", help="print the test page and report the printer's status")
    test.add_argument("url", metavar="URL", help=PRINTER_HELP)

    receipt = sub.add_parser("receipt", help="payment receipts")
    receipt_sub = receipt.add_subparsers(dest="receipt_command", metavar="ACTION", required=True)
    reprint = receipt_sub.add_parser("print", help="reprint a receipt (marked DUPLICATE) or write its PDF")
    reprint.add_argument("receipt_no", metavar="RECEIPT_NO")
    _outputs(reprint)

    cash = sub.add_parser("cash", help="cash sessions of this counter")
    cash_sub = cash.add_subparsers(dest="cash_command", metavar="ACTION", required=True)
    sessions = cash_sub.add_parser("sessions", help="list this counter's sessions (numbers for `cash report`)")
    sessions.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    sessions.add_argument("--username", metavar="USER",
                          help="who asks (asked when left out); the password is always asked")
    report = cash_sub.add_parser("report", help="X report of an open session, Z report of a closed one")
    report.add_argument("--session", type=int, required=True, metavar="N", help="session number")
    _outputs(report)


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--printer", metavar="URL", help=f"print here ({PRINTER_HELP})")
    parser.add_argument("--pdf", metavar="FILE", type=Path, help="write a PDF")
    parser.add_argument("--username", metavar="USER",
                        help="who does it (asked when left out); the password is always asked")


def _log_in(runtime, args: argparse.Namespace) -> Actor:
    """The user the command runs as: the password is read from the terminal, never an argument."""
    from app.services.core.auth import AuthService

    try:
        username = args.username if args.username is not None else input("Username: ")
        password = getpass.getpass(f"Password for {username.strip()}: ")
    except EOFError:  # run from a script or a pipe: nobody to ask
        raise ValidationError("Password", "is asked on the terminal, and there is none here (the "
                                          "input is closed): run the command in a terminal") from None
    return AuthService(runtime.app).login(username, password)


def _runtime(args: argparse.Namespace):
    from app.config import resolve_data_dir  # not for a --help
    from app.runtime import open_runtime

    return open_runtime(resolve_data_dir(args.data_dir), lock=True)


def cmd_printer(args: argparse.Namespace) -> int:
    from app.services.cash.printers import PrintersService

    runtime = _runtime(args)
    try:
        result = PrintersService(runtime.app).test_print(args.url)
    finally:
        runtime.close()
    print(result.summary)
    for warning in result.warnings:
        print(f"Warning: {warning}.")
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from app.services.registry import Services

    runtime = _runtime(args)
    try:
        user = _log_in(runtime, args)
        services = Services(runtime.app)
        payment_id = _payment_id(services, user, args.receipt_no)
        if args.pdf:
            path = services.receipts.receipt_pdf(user, payment_id, args.pdf, duplicate=True)
            print(f"Wrote {path}")
        if args.printer:
            outcome = _reprint_to(runtime, user, payment_id, args.printer)
            print(f"Receipt {args.receipt_no} printed on {outcome.address} (DUPLICATE).")
        elif not args.pdf:
            result = services.receipts.print_receipt(user, payment_id, duplicate=True)
            print(result.message)
            return 0 if result.printed else 1
    finally:
        runtime.close()
    return 0


def _reprint_to(runtime, user: Actor, payment_id: str, url: str):
    from app.services.cash.printers import PrintersService

    return PrintersService(runtime.app).reprint_receipt_to(user, payment_id, url)


def _payment_id(services, user: Actor, receipt_no: str) -> str:
    from app.services.payments.posting import PaymentFilter

    rows = services.payments.list_payments(user, PaymentFilter(text=receipt_no.strip()), limit=50)
    for row in rows:
        if row.receipt_no.casefold() == receipt_no.strip().casefold():
            return row.payment_id
    raise NotFound(f"No payment has receipt {receipt_no}")


def cmd_cash(args: argparse.Namespace) -> int:
    if args.cash_command == "sessions":
        return _cmd_cash_sessions(args)
    from app.printing.escpos.decode import decode
    from app.services.cash.printers import report_slip
    from app.services.cash.sessions import CashSessionsService

    runtime = _runtime(args)
    try:
        user = _log_in(runtime, args)
        cash = CashSessionsService(runtime.app)
        report = cash.report(user, cash.session_id_by_number(user, args.session))
        printer = cash.printers.counter_printer(args.printer)
        slip = report_slip(cash.report_document(user, report), printer.profile)
        print(decode(slip, printer.profile.columns).text.rstrip())
        if args.pdf:
            print(f"Wrote {cash.save_report_pdf(user, report, args.pdf)}")
        if args.printer:
            outcome = cash.print_report(user, report, args.printer)
            print(f"{report.kind} report printed on {outcome.address}.")
    finally:
        runtime.close()
    return 0


def _cmd_cash_sessions(args: argparse.Namespace) -> int:
    from app.services.cash.session_list import list_sessions

    runtime = _runtime(args)
    try:
        lines = list_sessions(runtime.app, _log_in(runtime, args))
    finally:
        runtime.close()
    if args.json:
        print(json.dumps([{"number": s.number, "counter": s.counter, "cashier": s.cashier,
                           "opened": s.opened.isoformat(), "closed": s.closed.isoformat() if s.closed else None,
                           "state": s.state} for s in lines], indent=2))
        return 0
    if not lines:
        print("No cash sessions at this counter yet.")
        return 0
    rows = [("Number", "Counter", "Cashier", "Opened", "Closed", "State")] + [
        (str(s.number), s.counter, s.cashier, f"{s.opened:%Y-%m-%d %H:%M}",
         f"{s.closed:%Y-%m-%d %H:%M}" if s.closed else "—", s.state) for s in lines]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(w) if i == 0 else cell.ljust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    return 0


COUNTER_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "printer": cmd_printer, "receipt": cmd_receipt, "cash": cmd_cash,
}
