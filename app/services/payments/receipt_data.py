"""A payment's receipt as values, from the facts kept when it was posted: what the thermal
printer, the on-screen preview and the A5 PDF each lay out, so that they all say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.numbers import get_currency_symbol
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.domain.core.settings import Settings
from app.domain.payments.rules import PaymentStatus
from app.formatting import Formats
from app.models.cash import ReceiptPrint
from app.printing.escpos.receipt import PrinterProfile, ReceiptData
from app.printing.pdf.receipt_pdf import ReceiptDocument
from app.services.core.context import AppContext
from app.services.core.settings import load_settings
from app.services.payments.details import PaymentDetails, load_details
from app.services.payments.queries import zone
from app.services.payments.receipt_facts import ReceiptFacts, stored_facts

PRINTED, FAILED = "Printed", "Failed"


@dataclass(frozen=True)
class Copy:
    """Which copy is being made: the original, or DUPLICATE number n made at a moment."""

    duplicate: bool = False
    copy_no: int | None = None
    made_at: datetime | None = None


ORIGINAL = Copy()


@dataclass(frozen=True)
class LoadedReceipt:
    settings: Settings
    details: PaymentDetails
    facts: ReceiptFacts
    printed_copies: int
    attempts: int

    def copy(self, duplicate: bool, now: datetime) -> Copy:
        if not duplicate:
            return ORIGINAL
        return Copy(True, self.printed_copies + 1, now.astimezone(zone(self.settings)))


def load_receipt(app: AppContext, payment_id: str) -> LoadedReceipt:
    with app.sessions() as session:
        settings = load_settings(session)
        details = load_details(session, payment_id, settings.currency, app.clock.now())
        facts = stored_facts(session, details, settings)
        copies, attempts = print_history(session, payment_id)
        return LoadedReceipt(settings, details, facts, copies, attempts)


def print_history(session: Session, payment_id: str) -> tuple[int, int]:
    """How many copies were printed, and how many attempts were made."""
    printed = func.sum(case((ReceiptPrint.outcome == PRINTED, 1), else_=0))
    copies, attempts = session.execute(
        select(func.coalesce(printed, 0), func.count(ReceiptPrint.id))
        .where(ReceiptPrint.payment_id == payment_id)).one()
    return int(copies or 0), int(attempts or 0)


def counter_label(counter_name: str) -> str:
    return counter_name.removeprefix("Counter ").strip() or counter_name


def profile_of(settings: Settings) -> PrinterProfile:
    return PrinterProfile.for_paper(
        settings.get("printing.paper_width_mm"), code_page=settings.get("printing.code_page").lower(),
        cut=settings.get("printing.cut_paper"), drawer_pin=settings.get("printing.drawer_pin"))


def currency_symbol(settings: Settings) -> str:
    return get_currency_symbol(settings.currency, locale=settings.locale)


def receipt_data_of(loaded: LoadedReceipt, copy: Copy = ORIGINAL) -> ReceiptData:
    details, facts, settings = loaded.details, loaded.facts, loaded.settings
    return ReceiptData(
        utility_name=settings.utility_name, centre=facts.centre, counter=counter_label(facts.counter),
        receipt_no=details.transaction.receipt_no,
        printed_at=details.transaction.paid_at.astimezone(zone(settings)),
        cashier=facts.cashier, consumer_name=facts.consumer_name, account_no=facts.account_no,
        payment_type=facts.payment_type, reference=facts.reference, method=facts.method,
        amount_applied=facts.applied, amount_paid=facts.amount, balance_after=facts.balance_after,
        tendered=facts.tendered, change=facts.change, credit_note_no=facts.credit_note_no,
        credit_note_amount=facts.kept_on_account, footer_lines=facts.footer_lines,
        duplicate=copy.duplicate, copy_no=copy.copy_no, reprinted_at=copy.made_at,
        method_lines=facts.method_lines, void=details.payment.status == PaymentStatus.VOIDED,
        settled=facts.settled, formats=Formats.of(settings))


def receipt_document_of(loaded: LoadedReceipt, copy: Copy, now: datetime) -> ReceiptDocument:
    data, details, tz = receipt_data_of(loaded, copy), loaded.details, zone(loaded.settings)
    item = details.item
    several = len(details.allocations) > 1  # the items are listed each with its amount
    period = (item.period_start, item.period_end) if item and item.period_start and not several \
        else None
    return ReceiptDocument(
        utility_name=data.utility_name, centre=data.centre, counter=loaded.facts.counter,
        formats=Formats.of(loaded.settings), receipt_no=data.receipt_no,
        payment_no=details.payment.payment_no, transaction_no=details.transaction.transaction_no,
        paid_at=data.printed_at, status=details.payment.status, consumer_name=data.consumer_name,
        account_no=data.account_no, service_address=details.consumer.service_address,
        phone=details.consumer.phone, email=details.consumer.email,
        payment_type=data.payment_type, reference=data.reference,
        channel=details.payment.channel, method=data.method, amount=loaded.facts.amount,
        applied=data.amount_applied, balance_after=data.balance_after,
        received_by=data.cashier, verification=details.processing.verification,
        processing_time=details.processing.processing_time.label, generated_at=now.astimezone(tz),
        period=period, item_amount=details.analysis.item_amount if item else None,
        difference=details.analysis.kind.value, tendered=data.tendered, change=data.change,
        credit_note_no=data.credit_note_no or "", credit_note_amount=data.credit_note_amount,
        notes=details.notes, footer_lines=data.footer_lines, duplicate=copy.duplicate,
        copy_no=copy.copy_no, reprinted_at=copy.made_at, method_lines=data.method_lines,
        void=data.void, settled=data.settled,
        void_reason=details.void.reason if details.void else "")
