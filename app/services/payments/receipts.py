"""Receipts at the counter: previews and PDFs rendered from the facts kept with each payment,
and (ReceiptPrinting) the counter printer and its queue."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.domain.payments.rules import PaymentType
from app.formatting import Formats
from app.printing.escpos.decode import decode
from app.printing.escpos.receipt import ReceiptData, render_receipt
from app.printing.pdf.credit_note_pdf import (
    CreditApplicationLine,
    CreditNoteDocument,
    write_credit_note_pdf,
)
from app.printing.pdf.receipt_pdf import write_receipt_pdf
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.payments.credit_notes import CreditNoteDetails, CreditNotesService
from app.services.payments.queries import load_item, zone
from app.services.payments.receipt_data import (
    currency_symbol,
    load_receipt,
    profile_of,
    receipt_data_of,
    receipt_document_of,
)
from app.services.payments.receipt_printing import (
    NO_PRINTER,
    PrinterState,
    PrintResult,
    QueuedReceipt,
    ReceiptPrinting,
)

__all__ = ["NO_PRINTER", "PrintResult", "PrinterState", "QueuedReceipt", "ReceiptsService",
           "currency_symbol", "profile_of"]


class ReceiptsService(ReceiptPrinting):
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # reading -------------------------------------------------------------------------

    def receipt_data(self, actor: Actor, payment_id: str, duplicate: bool = False) -> ReceiptData:
        actor.require(Permission.VIEW_PAYMENTS)
        loaded = load_receipt(self.app, payment_id)
        return receipt_data_of(loaded, loaded.copy(duplicate, self.app.clock.now()))

    def receipt_text(self, actor: Actor, payment_id: str, duplicate: bool = False) -> str:
        """The receipt as it comes out of the counter printer, for an on-screen preview."""
        actor.require(Permission.VIEW_PAYMENTS)
        loaded = load_receipt(self.app, payment_id)
        profile = profile_of(loaded.settings)
        data = receipt_data_of(loaded, loaded.copy(duplicate, self.app.clock.now()))
        job = render_receipt(data, profile, currency_symbol(loaded.settings))
        return decode(job, profile.columns).text.rstrip()

    # PDFs ----------------------------------------------------------------------------

    def receipt_pdf(self, actor: Actor, payment_id: str, path: Path | str,
                    duplicate: bool = False) -> Path:
        actor.require(Permission.VIEW_PAYMENTS)
        loaded = load_receipt(self.app, payment_id)
        now = self.app.clock.now()
        doc = receipt_document_of(loaded, loaded.copy(duplicate, now), now)
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
            utility_name=settings.utility_name, formats=Formats.of(settings),
            credit_note_no=details.credit_note_no, status=details.status.value,
            consumer_name=details.consumer_name, account_no=details.account_no,
            created_at=details.created_at.astimezone(tz), expires_on=details.expires_on,
            original=details.original_amount, applied=details.applied_amount,
            remaining=details.remaining, usage_percent=details.usage_percent,
            reason=details.reason, created_by=details.created_by, remarks=details.remarks,
            receipt_no=details.receipt_no, generated_at=self.app.clock.now().astimezone(tz),
            generated_by=actor.full_name, applications=local)
