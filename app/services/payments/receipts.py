"""Receipts at the counter: ESC/POS to the counter printer (and its cash drawer), PDFs, the reprint queue.

A receipt that fails to print never undoes its payment: the attempt is
recorded as Failed, the cashier is told why and what to do, and the receipt
waits in the reprint queue until a copy prints. The network send happens
outside any database transaction, so a slow printer never holds the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_symbol
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import PrinterError, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.domain.payments.credit_notes import OVERPAYMENT
from app.domain.payments.rules import CASH, COUNTED_STATUSES, PaymentStatus, PaymentType
from app.models.cash import ReceiptPrint
from app.models.consumers import Consumer
from app.models.payments import Payment
from app.printing.escpos.decode import decode
from app.printing.escpos.printers import PrinterAddress, parse_printer_url
from app.printing.escpos.printers import print_receipt as send_to_printer
from app.printing.escpos.receipt import (
    PrinterProfile,
    ReceiptData,
    drawer_kick_bytes,
    render_receipt,
)
from app.printing.pdf.credit_note_pdf import (
    CreditApplicationLine,
    CreditNoteDocument,
    write_credit_note_pdf,
)
from app.printing.pdf.receipt_pdf import ReceiptDocument, write_receipt_pdf
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.payments.credit_notes import CreditNoteDetails, CreditNotesService
from app.services.payments.details import PaymentDetails, load_details
from app.services.payments.queries import balance, load_item, zone

NO_PRINTER = "No receipt printer is set for this counter: Settings > Counter & printing"
PRINTED, FAILED = "Printed", "Failed"
WHAT_TO_DO = ("The payment is recorded. Check that the printer is switched on, connected and "
              "has paper, then print the receipt again: it waits in the reprint queue.")


@dataclass(frozen=True)
class PrintResult:
    printed: bool
    message: str
    printer: str
    duplicate: bool = False
    drawer_opened: bool = False
    queued: bool = False  # waiting in the reprint queue


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
class _Loaded:
    settings: Settings
    details: PaymentDetails
    balance: Money
    printed_copies: int
    attempts: int


def _counter_label(settings: Settings) -> str:
    name = settings.get("general.counter_name")
    return name.removeprefix("Counter ").strip() or name


def profile_of(settings: Settings) -> PrinterProfile:
    return PrinterProfile.for_paper(
        settings.get("printing.paper_width_mm"), code_page=settings.get("printing.code_page").lower(),
        cut=settings.get("printing.cut_paper"), drawer_pin=settings.get("printing.drawer_pin"))


def currency_symbol(settings: Settings) -> str:
    return get_currency_symbol(settings.currency, locale=settings.locale)


def _kept_note(details: PaymentDetails):
    note = details.overpayment_credit_note
    return note if note is not None and note.reason == OVERPAYMENT else None


def receipt_data_of(details: PaymentDetails, settings: Settings, balance_after: Money,
                    duplicate: bool) -> ReceiptData:
    note, cash, item = _kept_note(details), details.cash, details.item
    amount = details.payment.amount
    return ReceiptData(
        utility_name=settings.utility_name, centre=settings.get("general.centre_name"),
        counter=_counter_label(settings), receipt_no=details.transaction.receipt_no,
        printed_at=details.transaction.paid_at.astimezone(zone(settings)),
        cashier=details.processing.received_by, consumer_name=details.consumer.name,
        account_no=details.consumer.account_no, payment_type=details.payment.payment_type,
        reference=item.reference if item else "-", method=details.payment.method,
        amount_applied=amount - note.amount if note else amount, balance_after=balance_after,
        tendered=cash.received if cash else None, change=cash.change if cash else None,
        credit_note_no=note.credit_note_no if note else None,
        credit_note_amount=note.amount if note else None,
        footer_lines=tuple(settings.get("printing.receipt_footer")), duplicate=duplicate,
        void=details.payment.status == PaymentStatus.VOIDED)


def receipt_document_of(details: PaymentDetails, settings: Settings, balance_after: Money,
                        duplicate: bool, now: datetime) -> ReceiptDocument:
    data, item, tz = receipt_data_of(details, settings, balance_after, duplicate), details.item, \
        zone(settings)
    period = (item.period_start, item.period_end) if item and item.period_start else None
    return ReceiptDocument(
        utility_name=data.utility_name, centre=data.centre,
        counter=settings.get("general.counter_name"), locale=settings.locale,
        receipt_no=data.receipt_no, payment_no=details.payment.payment_no,
        transaction_no=details.transaction.transaction_no, paid_at=data.printed_at,
        status=details.payment.status, consumer_name=data.consumer_name,
        account_no=data.account_no, service_address=details.consumer.service_address,
        phone=details.consumer.phone, email=details.consumer.email,
        payment_type=data.payment_type, reference=data.reference,
        channel=details.payment.channel, method=data.method, amount=details.payment.amount,
        applied=data.amount_applied, balance_after=balance_after,
        received_by=data.cashier, verification=details.processing.verification,
        processing_time=details.processing.processing_time.label, generated_at=now.astimezone(tz),
        period=period, item_amount=item.amount if item else None,
        difference=details.analysis.kind.value, tendered=data.tendered, change=data.change,
        credit_note_no=data.credit_note_no or "", credit_note_amount=data.credit_note_amount,
        notes=details.notes, footer_lines=data.footer_lines, duplicate=duplicate, void=data.void,
        void_reason=details.void.reason if details.void else "")


def _failure_message(receipt_no: str, error: Exception) -> str:
    reason = getattr(error, "message", str(error))
    return f"Receipt {receipt_no} was not printed: {reason}. {WHAT_TO_DO}"


def _success_message(receipt_no: str, printer: str, duplicate: bool, drawer: bool,
                     warnings: tuple[str, ...]) -> str:
    what = "Duplicate of receipt" if duplicate else "Receipt"
    parts = [f"{what} {receipt_no} printed on {printer}."]
    parts += ["Cash drawer opened."] if drawer else []
    parts += [f"{warning}." for warning in warnings]
    return " ".join(parts)


class ReceiptsService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # reading -------------------------------------------------------------------------

    def _load(self, payment_id: str) -> _Loaded:
        with self.app.sessions() as session:
            settings = load_settings(session)
            details = load_details(session, payment_id, settings.currency, self.app.clock.now())
            owed = Money(balance(session, details.consumer.consumer_id), settings.currency)
            copies, attempts = self._history(session, payment_id)
            return _Loaded(settings, details, owed, copies, attempts)

    @staticmethod
    def _history(session: Session, payment_id: str) -> tuple[int, int]:
        printed = func.sum(case((ReceiptPrint.outcome == PRINTED, 1), else_=0))
        copies, attempts = session.execute(
            select(func.coalesce(printed, 0), func.count(ReceiptPrint.id))
            .where(ReceiptPrint.payment_id == payment_id)).one()
        return int(copies or 0), int(attempts or 0)

    def receipt_data(self, actor: Actor, payment_id: str, duplicate: bool = False) -> ReceiptData:
        actor.require(Permission.VIEW_PAYMENTS)
        loaded = self._load(payment_id)
        return receipt_data_of(loaded.details, loaded.settings, loaded.balance, duplicate)

    def receipt_text(self, actor: Actor, payment_id: str, duplicate: bool = False) -> str:
        """The receipt as it comes out of the counter printer, for an on-screen preview."""
        actor.require(Permission.VIEW_PAYMENTS)
        loaded = self._load(payment_id)
        profile = profile_of(loaded.settings)
        data = receipt_data_of(loaded.details, loaded.settings, loaded.balance, duplicate)
        job = render_receipt(data, profile, currency_symbol(loaded.settings))
        return decode(job, profile.columns).text.rstrip()

    def printer_configured(self) -> bool:
        with self.app.sessions() as session:
            return bool(load_settings(session).get("printing.printer_url"))

    # printing ------------------------------------------------------------------------

    def print_receipt(self, actor: Actor, payment_id: str, *, duplicate: bool = False) -> PrintResult:
        """Print on this counter's printer. A payment's later copies say DUPLICATE; only the
        first attempt for a cash payment opens the drawer."""
        actor.require(Permission.RECORD_PAYMENT)
        loaded = self._load(payment_id)
        url = loaded.settings.get("printing.printer_url")
        receipt_no = loaded.details.transaction.receipt_no
        if not url:
            return PrintResult(False, NO_PRINTER, "")
        reprint = duplicate or loaded.printed_copies > 0
        kick = (loaded.details.payment.method == CASH and loaded.attempts == 0 and not reprint
                and loaded.details.payment.status in COUNTED_STATUSES)
        job = self._job(loaded, reprint, kick)
        address: PrinterAddress | str = url
        try:
            address = parse_printer_url(url)
            outcome = send_to_printer(address, job, check_status=True)
        except (PrinterError, ValidationError) as error:
            self._record(actor, loaded, url, reprint, FAILED, getattr(error, "message", str(error)))
            return PrintResult(False, _failure_message(receipt_no, error), str(address),
                               duplicate=reprint, queued=True)
        self._record(actor, loaded, url, reprint, PRINTED, "")
        message = _success_message(receipt_no, str(address), reprint, kick, outcome.warnings)
        return PrintResult(True, message, str(address), duplicate=reprint, drawer_opened=kick)

    @staticmethod
    def _job(loaded: _Loaded, reprint: bool, kick: bool) -> bytes:
        profile = profile_of(loaded.settings)
        data = receipt_data_of(loaded.details, loaded.settings, loaded.balance, reprint)
        job = render_receipt(data, profile, currency_symbol(loaded.settings))
        return job + drawer_kick_bytes(profile.drawer_pin) if kick else job

    def _record(self, actor: Actor, loaded: _Loaded, url: str, reprint: bool, outcome: str,
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

    def pending_reprints(self, actor: Actor, limit: int = 50) -> list[QueuedReceipt]:
        """Receipts whose last failure has not been followed by a printed copy, newest first."""
        actor.require(Permission.VIEW_PAYMENTS)
        failed = (select(ReceiptPrint.payment_id, func.max(ReceiptPrint.at).label("failed_at"))
                  .where(ReceiptPrint.outcome == FAILED).group_by(ReceiptPrint.payment_id)
                  .subquery())
        printed_since = exists().where(ReceiptPrint.payment_id == failed.c.payment_id,
                                       ReceiptPrint.outcome == PRINTED,
                                       ReceiptPrint.at >= failed.c.failed_at)
        last_error = (select(ReceiptPrint.error).where(ReceiptPrint.payment_id == Payment.id,
                                                       ReceiptPrint.outcome == FAILED)
                      .order_by(ReceiptPrint.at.desc()).limit(1).scalar_subquery())
        query = (select(Payment, Consumer.name, failed.c.failed_at, last_error)
                 .join(failed, failed.c.payment_id == Payment.id)
                 .join(Consumer, Consumer.id == Payment.consumer_id)
                 .where(~printed_since).order_by(failed.c.failed_at.desc()).limit(limit))
        with self.app.sessions() as session:
            currency = load_settings(session).currency
            return [QueuedReceipt(p.id, p.receipt_no, name, Money(p.amount, currency), at, error)
                    for p, name, at, error in session.execute(query).all()]

    # PDFs ----------------------------------------------------------------------------

    def receipt_pdf(self, actor: Actor, payment_id: str, path: Path | str,
                    duplicate: bool = False) -> Path:
        actor.require(Permission.VIEW_PAYMENTS)
        loaded = self._load(payment_id)
        doc = receipt_document_of(loaded.details, loaded.settings, loaded.balance, duplicate,
                                  self.app.clock.now())
        return write_receipt_pdf(doc, Path(path))

    def credit_note_pdf(self, actor: Actor, credit_note_id: str, path: Path | str) -> Path:
        actor.require(Permission.PRINT_CREDIT_NOTE)
        details = CreditNotesService(self.app).details(actor, credit_note_id)
        with self.app.sessions() as session:
            settings = load_settings(session)
            lines = tuple(self._application_line(session, details, i, settings.currency)
                          for i in range(len(details.applications)))
        doc = self._credit_note_document(actor, details, settings, lines)
        return write_credit_note_pdf(doc, Path(path))

    @staticmethod
    def _application_line(session: Session, details: CreditNoteDetails, index: int,
                          currency: str) -> CreditApplicationLine:
        applied = details.applications[index]
        item = load_item(session, PaymentType(applied.target_type), applied.target_id, currency)
        what = f"{applied.target_type} {item.reference}" if item else applied.target_type
        return CreditApplicationLine(what, applied.amount, applied.applied_at, applied.applied_by)

    def _credit_note_document(self, actor: Actor, details: CreditNoteDetails, settings: Settings,
                              lines: tuple[CreditApplicationLine, ...]) -> CreditNoteDocument:
        tz: ZoneInfo = zone(settings)
        local = tuple(CreditApplicationLine(a.applied_to, a.amount, a.applied_at.astimezone(tz),
                                            a.applied_by) for a in lines)
        return CreditNoteDocument(
            utility_name=settings.utility_name, locale=settings.locale,
            credit_note_no=details.credit_note_no, status=details.status.value,
            consumer_name=details.consumer_name, account_no=details.account_no,
            created_at=details.created_at.astimezone(tz), expires_on=details.expires_on,
            original=details.original_amount, applied=details.applied_amount,
            remaining=details.remaining, usage_percent=details.usage_percent,
            reason=details.reason, created_by=details.created_by, remarks=details.remarks,
            receipt_no=details.receipt_no, generated_at=self.app.clock.now().astimezone(tz),
            generated_by=actor.full_name, applications=local)
