"""`utilitydesk requests show NUMBER` and `requests list [--status S]`: a request's status, SLA and
settlement, and the list of requests, as text or JSON. They read the data folder's database as
the command line's own user; amounts in JSON are strings with the currency's minor digits."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from app.domain.requests.disconnection import RequestStatus, status_of

DataDir = Callable[[argparse.Namespace], Path]
NO_FINAL_BILL = "none generated"


def request_status(text: str) -> str:
    found = status_of(text)
    if found is None:
        expected = ", ".join(s.value for s in RequestStatus)
        raise argparse.ArgumentTypeError(f"{text!r} is not a request status: use one of {expected}")
    return found.value


def add_requests_parser(sub: argparse._SubParsersAction) -> None:
    requests = sub.add_parser("requests", help="disconnection and reconnection requests")
    actions = requests.add_subparsers(dest="requests_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="a request's status, SLA, settlement (and final bill)")
    show.add_argument("number", metavar="NUMBER", help="the request number, e.g. DIS-2024-001234")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    listing = actions.add_parser("list", help="requests, newest first")
    listing.add_argument("--status", type=request_status, default=None,
                         help="only this status: " + ", ".join(s.value for s in RequestStatus))
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")


def cmd_requests(args: argparse.Namespace, data_dir: DataDir) -> int:
    from app.runtime import open_runtime
    from app.services.registry import Services

    runtime = open_runtime(data_dir(args), lock=False, existing=True)
    try:
        services = Services(runtime.app)
        if args.requests_command == "show":
            return _show(services, args)
        return _list(services, args)
    finally:
        runtime.close()


def _money(money) -> str:
    return None if money is None else f"{money.amount} {money.currency}"


def final_bill_record(bill) -> dict[str, object] | None:
    if bill is None:
        return None
    f = bill.figures
    return {"status": bill.status, "invoice_nos": [p.invoice_no for p in bill.parts],
            "period": bill.period, "period_start": bill.period_start.isoformat(),
            "period_end": bill.period_end.isoformat(), "bill_date": bill.bill_date.isoformat(),
            "due_date": bill.due_date.isoformat(),
            "lines": [{"utility": p.utility, "account_no": p.account_no, "invoice_no": p.invoice_no,
                       "consumption": str(p.consumption), "billed": _money(p.billed)} for p in bill.parts],
            "billed": _money(f.billed), "outstanding": _money(f.outstanding),
            "deposit_applied": _money(f.deposit_applied), "amount_due": _money(f.amount_due),
            "sent_at": bill.sent_at and bill.sent_at.isoformat()}


def show_record(detail, final_bill=None) -> dict[str, object]:
    s, sla = detail.settlement, detail.sla
    return {
        "request_no": detail.request_no, "type": detail.request_type, "status": detail.status,
        "consumer": detail.consumer.name, "account_no": detail.consumer.account_no,
        "reason": detail.reason, "reason_code": detail.reason_code, "priority": detail.priority,
        "created_at": detail.created_at.isoformat(), "created_by": detail.created_by,
        "preferred": (f"{detail.preferred_date.isoformat()} {detail.time_slot}".strip()
                      if detail.preferred_date else None),
        "sla": {"status": sla.status, "due_at": sla.due_at.isoformat(), "time_remaining": sla.remaining_text,
                "achieved_hours": {m.name: None if m.achieved_hours is None else str(m.achieved_hours)
                                   for m in sla.metrics}},
        "settlement": {"outstanding": _money(s.outstanding), "due_date": s.due_date and s.due_date.isoformat(),
                       "deposit": _money(s.settlement.deposit_held), "use_in_bill": s.settlement.use_in_bill,
                       "deposit_applied": _money(s.settlement.deposit_applied),
                       "net": _money(s.settlement.net), "status": s.settlement.status},
        "final_bill": final_bill_record(final_bill),
    }


def _show(services, args: argparse.Namespace) -> int:
    reader = _reader()

    detail = services.requests.request_by_number(reader, args.number)
    record = show_record(detail, services.requests.final_bill(reader, detail.request_id))
    if args.json:
        print(json.dumps(record, indent=2))
        return 0
    sla, money = record["sla"], record["settlement"]
    achieved = ", ".join(f"{name} {hours or 'Pending'}" for name, hours in sla["achieved_hours"].items())
    lines = [f"{record['request_no']}  {record['type']}  {record['status']}",
             f"Consumer:    {record['consumer']} ({record['account_no']})",
             f"Reason:      {record['reason']} ({record['reason_code']}), priority {record['priority']}",
             f"Created:     {record['created_at']} by {record['created_by']}; preferred {record['preferred']}",
             f"SLA:         {sla['status']}, due {sla['due_at']}, {sla['time_remaining']}",
             f"Achieved:    {achieved} (hours)",
             f"Outstanding: {money['outstanding']} (due {money['due_date'] or '--'})",
             f"Deposit:     {money['deposit']}, use in bill {'ON' if money['use_in_bill'] else 'OFF'}",
             f"Net:         {money['net']} ({money['status']})",
             *_final_bill_lines(record["final_bill"])]
    print("\n".join(lines))
    return 0


def _final_bill_lines(bill: dict | None) -> list[str]:
    if bill is None:
        return [f"Final bill:  {NO_FINAL_BILL}"]
    lines = [f"Final bill:  {', '.join(bill['invoice_nos'])} ({bill['status']}), {bill['period']}"]
    lines += [f"  {line['utility']:<12} {line['invoice_no']}  {line['consumption']} units  {line['billed']}"
              for line in bill["lines"]]
    return [*lines, f"  Billed {bill['billed']} + outstanding {bill['outstanding']} - deposit applied "
                    f"{bill['deposit_applied']} = final amount due {bill['amount_due']}"]


def _list(services, args: argparse.Namespace) -> int:
    reader = _reader()
    from app.services.requests import RequestFilter

    rows = services.requests.list_requests(reader, RequestFilter(status=args.status or ""), limit=10_000)
    records = [{"request_no": r.request_no, "type": r.request_type, "status": r.status,
                "consumer": r.consumer, "account_no": r.account_no, "priority": r.priority,
                "created_at": r.created_at.isoformat(), "outstanding": _money(r.outstanding)}
               for r in rows]
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    for r in records:
        print(f"{r['request_no']:<18} {r['type']:<13} {r['status']:<12} {r['priority']:<8} "
              f"{r['created_at'][:10]}  {r['consumer']} ({r['account_no']})  {r['outstanding']}")
    print(f"{len(records)} request(s)")
    return 0


def _reader():
    """Who the command line reads requests as: a supervisor's read rights, audited as the
    command line (the commands here only read; the service layer loads only to run)."""
    from app.domain.core.permissions import Role
    from app.services.core.context import Actor

    return Actor(user_id="cli", username="cli", full_name="Command line", role=Role.SUPERVISOR)
