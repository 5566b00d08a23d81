"""Billing commands of `utilitydesk`: cycles, bill runs, bills, meter reads, the GL journal.

A command that bills, approves, imports reads, prints or exports logs a user in first
(`--username`, else asked; the password prompt does not echo), takes the data folder's
instance lock as the app does, and is done with that user's rights and audited as that user.
Listing cycles and showing a bill only read. `--json` prints one JSON document; bad input
prints one clear line and exits with 2. A bill run on a terminal shows a progress bar on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.cli_args import iso_date
from app.cli_login import add_username, log_in
from app.domain.core.permissions import Role
from app.services.core.context import Actor

# Listing cycles and showing a bill only read: they run as the command line, with a billing
# manager's read rights. Every command that bills, approves, imports reads, prints or exports
# logs a user in first and is audited as that user.
READER = Actor(user_id="cli", username="cli", full_name="Command line", role=Role.BILLING_MANAGER)


def add_billing_commands(sub: argparse._SubParsersAction) -> None:
    cycles = sub.add_parser("cycles", help="billing cycles")
    cycles_sub = cycles.add_subparsers(dest="cycles_command", metavar="ACTION", required=True)
    listing = cycles_sub.add_parser("list", help="cycles, most recent first")
    listing.add_argument("--zone", help="only this zone (code or name)")
    _json(listing)

    bills = sub.add_parser("bills", help="bill runs and bills")
    bills_sub = bills.add_subparsers(dest="bills_command", metavar="ACTION", required=True)
    generate = bills_sub.add_parser("generate", help="run billing for a cycle, a zone's month or one account")
    target = generate.add_mutually_exclusive_group(required=True)
    target.add_argument("--cycle", metavar="NAME", help='e.g. "North Zone - May 2026"')
    target.add_argument("--zone", metavar="Z", help="a zone's code or name (with --period)")
    target.add_argument("--segment", metavar="CATEGORY", help="a consumer category (with --period)")
    target.add_argument("--account", metavar="NO", help="one service (or consumer) account")
    generate.add_argument("--period", metavar="YYYY-MM", help="the month, for --zone and --segment")
    generate.add_argument("--from", dest="period_start", type=iso_date, metavar="YYYY-MM-DD",
                          help="with --account: an off-cycle period's first day")
    generate.add_argument("--to", dest="period_end", type=iso_date, metavar="YYYY-MM-DD",
                          help="with --account: an off-cycle period's last day")
    generate.add_argument("--draft", action="store_true",
                          help="bills wait as drafts, posted to the ledger by `bills approve`")
    generate.add_argument("--resume", action="store_true",
                          help="first finish any run left unfinished (a crash, a stop)")
    generate.add_argument("--central", action="store_true",
                          help="the central service runs it on its job workers (a --cycle, or --zone "
                               "with --period); the bills then arrive by sync")
    _json(generate)
    add_username(generate)
    approve = bills_sub.add_parser("approve", help="approve a draft run's bills (posts them)")
    approve.add_argument("--run", required=True, metavar="RUN_ID", help="the run id generate printed")
    _json(approve)
    add_username(approve)
    printing = bills_sub.add_parser("print", help="bill PDFs: one bill, or a cycle's batch")
    printing.add_argument("invoice_no", metavar="INVOICE_NO", nargs="?")
    printing.add_argument("--pdf", type=Path, metavar="FILE", help="with INVOICE_NO: the PDF to write")
    printing.add_argument("--cycle", metavar="NAME", help="every approved bill of the cycle")
    printing.add_argument("--out", type=Path, metavar="DIR", help="with --cycle: the folder")
    _json(printing)
    add_username(printing)
    email = bills_sub.add_parser("email", help="e-mail bills with their PDF (sent by the central service)")
    email.add_argument("invoice_nos", metavar="INVOICE_NO", nargs="*")
    email.add_argument("--cycle", metavar="NAME", help="every approved bill of the cycle not sent yet")
    _json(email)
    add_username(email)
    show = bills_sub.add_parser("show", help="one bill with its lines")
    show.add_argument("invoice_no", metavar="INVOICE_NO")
    _json(show)

    reads = sub.add_parser("reads", help="meter reads")
    reads_sub = reads.add_subparsers(dest="reads_command", metavar="ACTION", required=True)
    imp = reads_sub.add_parser("import", help="import actual reads from CSV (all or nothing)")
    imp.add_argument("file", type=Path, metavar="FILE",
                     help="columns account_no, meter_no, read_on, reading[, register, reason]")
    _json(imp)
    add_username(imp)

    gl = sub.add_parser("gl", help="general ledger")
    gl_sub = gl.add_subparsers(dest="gl_command", metavar="ACTION", required=True)
    export = gl_sub.add_parser("export", help="a cycle's GL journal (CSV, or JSON by extension)")
    export.add_argument("--cycle", required=True, metavar="NAME")
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    _json(export)
    add_username(export)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def _run(args: argparse.Namespace, action: Callable, *, writes: bool = True) -> int:
    """`action(billing, args, actor)`. A command that writes takes the data folder's instance
    lock, as the app does, and runs as the user who logs in; one that reads runs as READER."""
    from app.config import resolve_data_dir  # not for a --help
    from app.runtime import open_runtime
    from app.services.registry import Services

    runtime = open_runtime(resolve_data_dir(args.data_dir), lock=writes)
    try:
        actor = log_in(runtime, args) if writes else READER
        # a central run is asked of the service with this desktop's token (its user on the server)
        target = runtime if getattr(args, "central", False) else Services(runtime.app).billing
        result = action(target, args, actor)
    finally:
        runtime.close()
    if args.json:
        print(json.dumps(result[0], ensure_ascii=False, default=_plain))
    else:
        print(result[1])
    return 0


def _plain(value: object) -> str:
    if isinstance(value, Decimal | date):
        return str(value)
    raise TypeError(type(value).__name__)


def cmd_cycles(args: argparse.Namespace) -> int:
    from app.cli_billing_output import cycles_output

    return _run(args, lambda billing, a, who: cycles_output(billing.cycles(who, a.zone)), writes=False)


def cmd_bills(args: argparse.Namespace) -> int:
    from app.cli_billing_output import bill_output, run_output

    if args.bills_command == "show":
        return _run(args, lambda billing, a, who: bill_output(billing.bill(who, a.invoice_no)), writes=False)
    if args.bills_command == "print":
        return _run(args, _print)
    if args.bills_command == "email":
        return _run(args, _email)
    if args.bills_command == "approve":
        def approve(billing, a, who):
            count = billing.approve_run(who, a.run)
            return {"approved": count}, f"Approved {count} bill(s) of run {a.run}"
        return _run(args, approve)
    if args.central:
        return _run(args, lambda runtime, a, _who: run_output(_generate_centrally(runtime, a)))
    return _run(args, lambda billing, a, who: run_output(_generate(billing, a, who)))


def _generate_centrally(runtime, args: argparse.Namespace):
    from app.domain.core.errors import ValidationError
    from sync.central_billing import central_agent, run_centrally
    from sync.run_protocol import BillRunRequest

    if args.segment or args.account or args.resume or args.period_start:
        raise ValidationError("central", "the central service runs a --cycle, or a --zone with --period")
    if args.zone and not args.period:
        raise ValidationError("period", "--zone needs --period YYYY-MM")
    request = BillRunRequest(cycle=args.cycle, zone=args.zone, month=args.period, as_draft=args.draft)
    agent = central_agent(runtime)
    try:
        return run_centrally(agent, request, _progress_bar(args))
    finally:
        agent.close()


def _generate(billing, args: argparse.Namespace, who: Actor):
    from app.domain.core.errors import ValidationError

    if args.resume:
        for run_id in billing.unfinished_runs(who):
            billing.execute(who, run_id, _progress_bar(args))
    if (args.zone or args.segment) and not args.period:
        raise ValidationError("period", "--zone and --segment need --period YYYY-MM")
    if (args.period_start is None) != (args.period_end is None):
        raise ValidationError("period", "give both --from and --to, or neither")
    if args.period_start and not args.account:
        raise ValidationError("period", "--from/--to bill one --account off-cycle")
    if args.cycle:
        scope = billing.cycle_scope(args.cycle)
    elif args.zone:
        scope = billing.zone_scope(args.zone, args.period)
    elif args.segment:
        scope = billing.segment_scope(args.segment, args.period)
    else:
        period = (args.period_start, args.period_end) if args.period_start else None
        scope = billing.account_scope(args.account, period)
    run_id = billing.start_run(who, scope, as_draft=args.draft)
    return billing.execute(who, run_id, _progress_bar(args))


def _print(billing, args: argparse.Namespace, who: Actor):
    from app.domain.core.errors import ValidationError

    if args.invoice_no and args.pdf and not args.cycle:
        path = billing.bill_pdf(who, args.invoice_no, args.pdf)
        return {"written": [str(path)]}, f"Bill {args.invoice_no} written to {path}"
    if args.cycle and args.out and not args.invoice_no:
        batch = billing.print_cycle(who, args.cycle, args.out, _count_bar(args))
        text = f"{len(batch.written)} bill(s) written to {args.out}"
        if batch.refused:
            text += f"; {len(batch.refused)} not printed (Print Format Errors exceptions opened):\n  " + \
                "\n  ".join(batch.refused)
        return {"written": [str(p) for p in batch.written], "refused": batch.refused}, text
    raise ValidationError("print", "give INVOICE_NO --pdf FILE, or --cycle NAME --out DIR")


def _email(billing, args: argparse.Namespace, who: Actor):
    from app.domain.core.errors import ValidationError

    if bool(args.cycle) == bool(args.invoice_nos):
        raise ValidationError("email", "give INVOICE_NO ..., or --cycle NAME")
    emailed = (billing.email_cycle(who, args.cycle, _count_bar(args)) if args.cycle
               else billing.email_bills(who, args.invoice_nos, _count_bar(args)))
    return {"queued": emailed.queued, "already_sent": emailed.already_sent,
            "no_address": emailed.no_address, "not_sent": emailed.not_sendable}, emailed.describe()


def _count_bar(args: argparse.Namespace):
    if args.json or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{done:,}/{total:,} bills done" + ("\n" if done == total else ""))
        sys.stderr.flush()

    return show


def _progress_bar(args: argparse.Namespace):
    if args.json or not sys.stderr.isatty():
        return None

    def show(progress) -> None:
        width = 30
        total = max(progress.accounts_total, 1)
        filled = width * progress.done // total
        eta = progress.eta_seconds
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done:,}/{total:,} "
                         f"{progress.bills_per_second:,.0f} bills/s"
                         f"{'' if eta is None else f' ETA {eta:,.0f}s'}   ")
        if progress.state != "Running":
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_reads(args: argparse.Namespace) -> int:
    def action(billing, a, who):
        imported = billing.import_reads(who, a.file)
        return {"imported": imported.count}, f"Imported {imported.count} read(s) from {a.file}"

    return _run(args, action)


def cmd_gl(args: argparse.Namespace) -> int:
    from app.cli_billing_output import journal_output

    return _run(args, lambda billing, a, who: journal_output(
        billing.export_journal(who, a.cycle, a.out), a.out))


BILLING_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "cycles": cmd_cycles, "bills": cmd_bills, "reads": cmd_reads, "gl": cmd_gl,
}
