"""What the billing commands print: a JSON document and the same facts as plain lines."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path


def cycles_output(rows) -> tuple[object, str]:
    data = [{"name": r.name, "zone": r.zone, "period_start": r.period_start,
             "period_end": r.period_end, "deadline": r.deadline.isoformat(), "status": r.status,
             "accounts": r.accounts_total, "billed": r.billed, "progress_percent": r.progress_percent,
             "open_exceptions": r.open_exceptions, "deadline_alert": r.deadline_alert,
             "success_rate": r.success_rate, "average_bill": r.average_bill} for r in rows]
    lines = [f"{'Cycle':32} {'Status':10} {'Billed':>15} {'Exceptions':>10}  Deadline"]
    for r in rows:
        alert = "  ALERT: deadline within 48 hours" if r.deadline_alert else ""
        lines.append(f"{r.name:32} {r.status:10} {f'{r.billed:,}/{r.accounts_total:,}':>15} "
                     f"{r.open_exceptions:>10}  {r.deadline:%Y-%m-%d %H:%M}{alert}")
    return data, "\n".join(lines) if rows else "No billing cycles."


def run_output(progress) -> tuple[object, str]:
    data = {"run_id": progress.run_id, "scope": progress.label, "state": progress.state,
            "accounts": progress.accounts_total, "billed": progress.billed,
            "already_billed": progress.skipped, "failed": progress.failed,
            "seconds": round(progress.seconds, 3),
            "bills_per_second": round(progress.bills_per_second, 1)}
    text = (f"{progress.label}: {progress.state}. {progress.billed:,} billed, "
            f"{progress.skipped:,} already billed, {progress.failed:,} exception(s) "
            f"of {progress.accounts_total:,} account(s) in {progress.seconds:.1f}s")
    return data, text


def bill_output(detail) -> tuple[object, str]:
    data = asdict(detail) | {"amount_due": detail.amount_due}
    lines = [f"{detail.invoice_no}  {detail.consumer_name} ({detail.account_no})  {detail.status}",
             f"Period {detail.period_start} to {detail.period_end}, billed {detail.bill_date}, "
             f"due {detail.due_date}; {detail.bill_type}, consumption {detail.consumption}"]
    for line in detail.lines:
        version = f" v{line.tariff_version}" if line.tariff_version else ""
        lines.append(f"  {line.line_no:>2}. {line.description:58} {line.amount:>12}  "
                     f"GL {line.gl_code}{version}")
    lines += [f"  {'Total':62} {detail.total:>12}", f"  {'Arrears carried forward':62} {detail.arrears:>12}",
              f"  {'Amount due':62} {detail.amount_due:>12}"]
    return data, "\n".join(lines)


def journal_output(journal, path: Path) -> tuple[object, str]:
    from app.services.billing.journal import journal_json

    data = journal_json(journal) | {"file": str(path)}
    return data, (f"GL journal of {journal.cycle}: {len(journal.entries)} code(s), debits "
                  f"{data['debits']} = credits {data['credits']}, written to {path}")
