"""Receipts on the counter printer: one attempt at a time, the queue of receipts not yet printed,
and its automatic retry when the printer is ready again.

Offline, cover open, paper out, an error, no status answer, a refused or timed-out connection:
all are "not printed". The payment stays recorded, the attempt is recorded as Failed and the
receipt waits in the queue. The queue prints oldest first, each receipt once; a receipt that
never reached the customer prints as the original, and DUPLICATE only for copies asked for.
The network send happens outside any database transaction, so a slow printer never holds the
writer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select

from app.domain.core.errors import PrinterError, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.models.cash import ReceiptPrint
from app.models.consumers import Consumer
from app.models.payments import Payment
from app.printing.escpos.printers import parse_printer_url, query_status
from app.printing.escpos.printers import print_receipt as send_to_printer
from app.printing.escpos.receipt import render_receipt
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.payments.receipt_data import (
    FAILED,
    PRINTED,
    LoadedReceipt,
    currency_symbol,
    load_receipt,
    profile_of,
    receipt_data_of,
)

NO_PRINTER = "No receipt printer is set for this counter: Settings > Counter & printing"
WHAT_TO_DO = ("The payment is recorded. The receipt waits in the queue and prints by itself "
              "when the printer is ready again (check that it is on, closed and has paper).")
# One print at a time from this desktop: the retry and a cashier's Print receipt never race
# each other into two copies.
_PRINTER_LOCK = threading.Lock()


@dataclass(frozen=True)
class PrintResult:
    printed: bool
    message: str
    printer: str
    duplicate: bool = False
    queued: bool = False  # waiting in the queue
    receipt_no: str = ""
    payment_id: str = ""
    error: str = ""  # why not printed, in the printer's words


@dataclass(frozen=True)
class QueuedReceipt:
    """A receipt whose last print attempt failed."""

    payment_id: str
    receipt_no: str
    consumer_name: str
    amount: Money
    failed_at: datetime
    error: str


@dataclass(frozen=True)
class PrinterState:
    """What the status bar shows: is there a printer, is it ready, what waits to print."""

    configured: bool
    ready: bool
    label: str
    queued: int = 0


def _failure_message(receipt_no: str, reason: str) -> str:
    return f"Receipt {receipt_no} was not printed: {reason}. {WHAT_TO_DO}"


def _success_message(receipt_no: str, printer: str, duplicate: bool, warnings: tuple[str, ...]) -> str:
    what = "Duplicate of receipt" if duplicate else "Receipt"
    return " ".join([f"{what} {receipt_no} printed on {printer}.", *(f"{w}." for w in warnings)])


class ReceiptPrinting:
    """The printing half of ReceiptsService."""

    app: AppContext

    def printer_configured(self) -> bool:
        with self.app.sessions() as session:
            return bool(load_settings(session).get("printing.printer_url"))

    def print_receipt(self, actor: Actor, payment_id: str, *, duplicate: bool = False,
                      loaded: LoadedReceipt | None = None) -> PrintResult:
        """Print on this counter's printer. A payment's later copies say DUPLICATE, with their
        copy number and time. Never opens the drawer: that is its own command. `loaded`: the
        receipt as posting left it (first print, no read needed)."""
        actor.require(Permission.RECORD_PAYMENT)
        with _PRINTER_LOCK:
            fresh = loaded is not None and loaded.details.payment.payment_id == payment_id \
                and not duplicate
            return self._print(actor, loaded if fresh else load_receipt(self.app, payment_id),
                               duplicate)

    def _print(self, actor: Actor, loaded: LoadedReceipt, duplicate: bool) -> PrintResult:
        url = loaded.settings.get("printing.printer_url")
        receipt_no, payment_id = loaded.details.transaction.receipt_no, loaded.details.payment.payment_id
        if not url:
            return PrintResult(False, NO_PRINTER, "", receipt_no=receipt_no, payment_id=payment_id)
        reprint = duplicate or loaded.printed_copies > 0
        printer = url
        try:
            address = parse_printer_url(url)
            printer = str(address)
            job = render_receipt(receipt_data_of(loaded, loaded.copy(reprint, self.app.clock.now())),
                                 profile_of(loaded.settings), currency_symbol(loaded.settings))
            outcome = send_to_printer(address, job, check_status=True)
        except (PrinterError, ValidationError) as error:
            reason = getattr(error, "message", str(error))
            self._record(actor, loaded, url, reprint, FAILED, reason)
            return PrintResult(False, _failure_message(receipt_no, reason), printer, reprint, True,
                               receipt_no, payment_id, reason)
        self._record(actor, loaded, url, reprint, PRINTED, "")
        return PrintResult(True, _success_message(receipt_no, printer, reprint, outcome.warnings),
                           printer, reprint, False, receipt_no, payment_id)

    def _record(self, actor: Actor, loaded: LoadedReceipt, url: str, reprint: bool, outcome: str,
                error: str) -> None:
        payment_id = loaded.details.payment.payment_id
        action = ("receipt_print_failed" if outcome == FAILED
                  else "receipt_reprinted" if reprint else "receipt_printed")
        with unit_of_work(self.app, actor) as work:
            work.record(ReceiptPrint(payment_id=payment_id, printer_url=url, duplicate=reprint,
                                     outcome=outcome, error=error, user_name=actor.full_name,
                                     at=work.now))
            work.audit(action, "payment", payment_id, receipt_no=loaded.details.transaction.receipt_no,
                       printer=url, duplicate=reprint, error=error or None,
                       copy=loaded.printed_copies + 1 if outcome == PRINTED else None)

    # the queue -------------------------------------------------------------------------

    def _queue_query(self, oldest_first: bool, limit: int):
        failed = (select(ReceiptPrint.payment_id, func.max(ReceiptPrint.at).label("failed_at"))
                  .where(ReceiptPrint.outcome == FAILED).group_by(ReceiptPrint.payment_id)
                  .subquery())
        printed_since = exists().where(ReceiptPrint.payment_id == failed.c.payment_id,
                                       ReceiptPrint.outcome == PRINTED,
                                       ReceiptPrint.at >= failed.c.failed_at)
        last_error = (select(ReceiptPrint.error).where(ReceiptPrint.payment_id == Payment.id,
                                                       ReceiptPrint.outcome == FAILED)
                      .order_by(ReceiptPrint.at.desc()).limit(1).scalar_subquery())
        order = Payment.paid_at.asc() if oldest_first else failed.c.failed_at.desc()
        return (select(Payment, Consumer.name, failed.c.failed_at, last_error)
                .join(failed, failed.c.payment_id == Payment.id)
                .join(Consumer, Consumer.id == Payment.consumer_id)
                .where(~printed_since).order_by(order, Payment.receipt_no).limit(limit))

    def pending_reprints(self, actor: Actor, limit: int = 50,
                         oldest_first: bool = False) -> list[QueuedReceipt]:
        """Receipts whose last failure has not been followed by a printed copy (newest first,
        or in the order they were taken)."""
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            currency = load_settings(session).currency
            rows = session.execute(self._queue_query(oldest_first, limit)).all()
            return [QueuedReceipt(p.id, p.receipt_no, name, Money(p.amount, currency), at, error)
                    for p, name, at, error in rows]

    def retry_queue(self, actor: Actor) -> list[PrintResult]:
        """Print what waits, in the order the payments were taken, one attempt each; stop at the
        first failure (the printer is faulted again: the rest keep their place)."""
        actor.require(Permission.RECORD_PAYMENT)
        results: list[PrintResult] = []
        for queued in self.pending_reprints(actor, limit=200, oldest_first=True):
            with _PRINTER_LOCK:
                if self._printed_since_failure(queued.payment_id):
                    continue  # a cashier printed it meanwhile
                result = self._print(actor, load_receipt(self.app, queued.payment_id), False)
            results.append(result)
            if not result.printed:
                break
        return results

    def _printed_since_failure(self, payment_id: str) -> bool:
        with self.app.sessions() as session:
            last = session.execute(select(ReceiptPrint.outcome).where(
                ReceiptPrint.payment_id == payment_id).order_by(ReceiptPrint.at.desc())
            ).scalars().first()
            return last == PRINTED

    def printer_state(self, actor: Actor) -> PrinterState:
        """Asks the printer (DLE EOT 1-4) how it is and counts the queue: the status bar's line."""
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            url = load_settings(session).get("printing.printer_url")
        if not url:
            return PrinterState(False, False, "no printer")
        queued = len(self.pending_reprints(actor, limit=200))
        try:
            address = parse_printer_url(url)
            status = query_status(address)
        except (PrinterError, ValidationError) as error:
            reason = getattr(error, "message", str(error))
            refused = "refused" in reason or "reached" in reason
            return PrinterState(True, False, "not reachable" if refused else "not answering", queued)
        if address.scheme != "tcp":  # USB, serial and file printers are not asked
            return PrinterState(True, True, "ready (does not report its status)", queued)
        return PrinterState(True, status.ready, status.label, queued)


__all__ = ["NO_PRINTER", "PrintResult", "PrinterState", "QueuedReceipt", "ReceiptPrinting"]
