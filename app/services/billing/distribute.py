"""E-mailing bills: each approved bill not yet sent is queued to its consumer's e-mail address
with its PDF attached (the central mailer renders and attaches it when it sends), and marked sent
by whoever sent it. A bill whose consumer has no address is named, to be printed instead; a
draft or cancelled bill is named and not sent. Chunks of CHUNK bills are one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.billing.lifecycle import BillStatus
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.models.billing import Bill
from app.models.consumers import Consumer
from app.services.billing.scope import cycle_scope
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import queue_email
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work

CHUNK = 200


@dataclass
class EmailedBills:
    queued: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)  # to print and post instead
    already_sent: list[str] = field(default_factory=list)
    not_sendable: list[str] = field(default_factory=list)  # "INV-...: why"

    def describe(self) -> str:
        parts = [f"{len(self.queued):,} bill(s) queued for e-mail"]
        if self.already_sent:
            parts.append(f"{len(self.already_sent):,} already sent")
        if self.no_address:
            parts.append(f"{len(self.no_address):,} without an e-mail address (print them): "
                         + ", ".join(self.no_address[:20]) + (" …" if len(self.no_address) > 20 else ""))
        if self.not_sendable:
            parts.append(f"{len(self.not_sendable):,} not sent: " + "; ".join(self.not_sendable[:20]))
        return "; ".join(parts)


def email_cycle(app: AppContext, actor: Actor, cycle_name: str,
                progress: Callable[[int, int], None] | None = None) -> EmailedBills:
    """Every approved bill of the cycle not sent yet."""
    actor.require(Permission.VIEW_BILLING)
    with app.sessions() as session:
        scope = cycle_scope(session, cycle_name)
        invoices = session.execute(select(Bill.invoice_no).where(
            Bill.cycle_id == scope.cycle_id, Bill.status == BillStatus.APPROVED.value,
            Bill.sent_at.is_(None), Bill.deleted.is_(False)).order_by(Bill.invoice_no)).scalars().all()
    return email_bills(app, actor, invoices, progress)


def email_bills(app: AppContext, actor: Actor, invoices: Sequence[str],
                progress: Callable[[int, int], None] | None = None) -> EmailedBills:
    actor.require(Permission.VIEW_BILLING)
    outcome = EmailedBills()
    for start in range(0, len(invoices), CHUNK):
        part = list(dict.fromkeys(invoice.strip() for invoice in invoices[start:start + CHUNK]))
        with unit_of_work(app, actor) as work:
            _email_chunk(work, part, outcome)
        if progress is not None:
            progress(min(start + CHUNK, len(invoices)), len(invoices))
    return outcome


def _email_chunk(work: Work, invoices: list[str], outcome: EmailedBills) -> None:
    currency = load_settings(work.session).currency
    rows = work.session.execute(select(Bill, Consumer.name, Consumer.email)
                                .join(Consumer, Consumer.id == Bill.consumer_id)
                                .where(Bill.invoice_no.in_(invoices), Bill.deleted.is_(False))).all()
    found = {bill.invoice_no: (bill, name, email) for bill, name, email in rows}
    sent = []
    for invoice in invoices:
        if invoice not in found:
            outcome.not_sendable.append(f"{invoice}: no such bill")
            continue
        bill, name, email = found[invoice]
        if bill.status != BillStatus.APPROVED.value:
            outcome.not_sendable.append(f"{invoice}: a {bill.status.lower()} bill is not sent")
        elif bill.sent_at is not None:
            outcome.already_sent.append(invoice)
        elif not (email or "").strip():
            outcome.no_address.append(invoice)
        else:
            _send(work, bill, name, email.strip(), currency)
            sent.append(invoice)
    outcome.queued.extend(sent)
    if sent:
        work.audit("bills_emailed", "bill", sent[0] if len(sent) == 1 else "*", invoices=sent, count=len(sent))


def _send(work: Work, bill: Bill, name: str, address: str, currency: str) -> None:
    """The body keeps neutral facts (ISO days, "45.50 USD"): the mailer writes them as the
    settings say when it sends."""
    due = Money(bill.total + bill.arrears, currency)
    body = (f"Dear {name}, your bill {bill.invoice_no} for {bill.period_start.isoformat()} to "
            f"{bill.period_end.isoformat()} is attached. Amount due: {due}, by {bill.due_date.isoformat()}.")
    queue_email(work, "bill", address, f"Your bill {bill.invoice_no}", body, key=f"bill:{bill.id}",
                attachment=f"bills:{bill.invoice_no}")
    base = bill.version
    bill.sent_at, bill.sent_by = work.now, work.actor.username
    bill.version, bill.updated_at = base + 1, work.now
    work.record(bill, "update", base_version=base)
