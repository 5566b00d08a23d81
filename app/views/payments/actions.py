"""Opening the Payments dialogs from anywhere on the page (lists, details, the posted step):
details, receipts, credit notes, void, apply credit, PDFs. Each read runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from app.services.core.changes import CREDIT_NOTES, PAYMENTS, Changes
from app.services.core.context import Actor
from app.services.payments.credit_notes import CreditNoteDetails
from app.services.payments.details import PaymentDetails
from app.services.payments.receipts import PrintResult
from app.services.registry import Services
from app.views.payments import pdf_output
from app.views.payments.credit_note_create import CreateCreditNoteDialog
from app.views.payments.credit_note_details import ApplyCreditDialog, CreditNoteDetailsDialog
from app.views.payments.display import Background, Display
from app.views.payments.payment_details import PaymentDetailsDialog
from app.views.payments.receipt_view import ReceiptDialog
from app.views.payments.reprint_queue import ReprintQueueDialog
from app.views.payments.void_dialog import VoidPaymentDialog


class PaymentActions(QObject):
    changed = Signal(object)  # Changes
    notice = Signal(str, bool)  # message, ok

    def __init__(self, services: Services, actor: Actor, display: Display, parent: QWidget) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display, self.parent_widget = services, actor, display, parent
        self.dialogs: list[QDialog] = []

    @property
    def last_dialog(self) -> QDialog | None:
        return self.dialogs[-1] if self.dialogs else None

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.open()
        return dialog

    def _read(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        Background(self.parent_widget, work).success(then) \
            .failure(lambda error: self.notice.emit(str(error), False)).run_in_background()

    def _changed(self, changes: Changes, message: str = "") -> None:
        self.changed.emit(changes)
        if message:
            self.notice.emit(message, True)

    # payments -------------------------------------------------------------------------------

    def open_payment(self, payment_id: str) -> None:
        self._read(lambda: self.services.payments.payment_details(self.actor, payment_id),
                   self._show_payment)

    def _show_payment(self, details: PaymentDetails) -> None:
        dialog = PaymentDetailsDialog(self.services, self.actor, self.display, details,
                                      self.parent_widget)
        dialog.changed.connect(lambda c: self._changed(c, "Payment verified."))
        dialog.inquiries_changed.connect(self.changed.emit)
        dialog.open_credit_note.connect(self.open_credit_note)
        dialog.view_receipt.connect(self.view_receipt)
        dialog.create_credit_note.connect(self.create_credit_note)
        dialog.void_payment.connect(self.void_payment)
        self._open(dialog)

    def view_receipt(self, payment_id: str) -> None:
        self._read(lambda: self.services.payments.payment_details(self.actor, payment_id),
                   lambda d: self._show_receipt(payment_id, d.transaction.receipt_no))

    def _show_receipt(self, payment_id: str, receipt_no: str) -> None:
        dialog = ReceiptDialog(self.services, self.actor, payment_id, receipt_no, self.parent_widget)
        dialog.view.printed.connect(self._printed)
        self._open(dialog)

    def _printed(self, result: PrintResult) -> None:
        self.changed.emit(Changes.of(PAYMENTS))
        self.notice.emit(result.message, result.printed)

    def void_payment(self, payment_id: str) -> None:
        def show(details: PaymentDetails) -> None:
            dialog = VoidPaymentDialog(self.services, self.actor, self.display, details,
                                       self.parent_widget)
            dialog.voided.connect(lambda c: self._changed(
                c, f"Payment {details.transaction.receipt_no} voided."))
            self._open(dialog)

        self._read(lambda: self.services.payments.payment_details(self.actor, payment_id), show)

    def create_credit_note(self, payment_id: str) -> None:
        def show(draft) -> None:
            dialog = CreateCreditNoteDialog(self.services, self.actor, self.display, draft,
                                            self.parent_widget)
            dialog.created.connect(self._credit_note_created)
            self._open(dialog)

        self._read(lambda: self.services.payments.credit_note_draft(self.actor, payment_id), show)

    def _credit_note_created(self, note: CreditNoteDetails) -> None:
        self._changed(note.changes or Changes.of(CREDIT_NOTES, PAYMENTS),
                      f"Credit note {note.credit_note_no} created for "
                      f"{self.display.money(note.original_amount)}.")

    def show_reprint_queue(self) -> None:
        dialog = ReprintQueueDialog(self.services, self.actor, self.display, self.parent_widget)
        dialog.printed.connect(self._printed)
        self._open(dialog)

    # credit notes ----------------------------------------------------------------------------

    def open_credit_note(self, credit_note_id: str) -> None:
        self._read(lambda: self.services.payments.credit_note_details(self.actor, credit_note_id),
                   self._show_credit_note)

    def _show_credit_note(self, note: CreditNoteDetails) -> None:
        dialog = CreditNoteDetailsDialog(self.actor, self.display, note, self.parent_widget)
        dialog.open_payment.connect(self.open_payment)
        dialog.print_requested.connect(self.print_credit_note)
        dialog.download_requested.connect(self.download_credit_note)
        dialog.apply_requested.connect(lambda _id: (dialog.accept(), self.apply_credit(note)))
        self._open(dialog)

    def apply_credit(self, note: CreditNoteDetails | str) -> None:
        if isinstance(note, str):
            self._read(lambda: self.services.payments.credit_note_details(self.actor, note),
                       self.apply_credit)
            return
        dialog = ApplyCreditDialog(self.services, self.actor, self.display, note, self.parent_widget)
        dialog.applied.connect(lambda n: self._changed(
            n.changes, f"Credit applied; {self.display.money(n.remaining)} remains on "
                       f"{n.credit_note_no}."))
        self._open(dialog)

    def _credit_note_pdf(self, credit_note_id: str, path_for: Callable[[str], Any],
                         then: Callable[[Any, str], None]) -> None:
        """Look the note up (for its number), pick the path, make the PDF, then show or say."""

        def make(note: CreditNoteDetails) -> None:
            title = f"Credit Note {note.credit_note_no}"
            path = path_for(title)
            if path is None:
                return
            Background(self.parent_widget,
                      lambda: self.services.receipts.credit_note_pdf(self.actor, credit_note_id,
                                                                     path),
                      label="Making the PDF…").success(lambda made: then(made, title)) \
                .failure(lambda error: self.notice.emit(f"The PDF was not made: {error}", False)) \
                .run_in_background()

        self._read(lambda: self.services.payments.credit_note_details(self.actor, credit_note_id),
                   make)

    def print_credit_note(self, credit_note_id: str) -> None:
        self._credit_note_pdf(credit_note_id, lambda t: pdf_output.temporary_pdf(f"{t}.pdf"),
                              lambda made, title: self._open(
                                  pdf_output.print_preview(self.parent_widget, made, title)))

    def view_credit_note(self, credit_note_id: str) -> None:
        self._credit_note_pdf(credit_note_id, lambda t: pdf_output.temporary_pdf(f"{t}.pdf"),
                              lambda made, title: self._open(
                                  pdf_output.PdfViewerDialog(made, title, self.parent_widget)))

    def download_credit_note(self, credit_note_id: str) -> None:
        self._credit_note_pdf(
            credit_note_id, lambda t: pdf_output.choose_save_path(self.parent_widget, f"{t}.pdf"),
            lambda saved, _title: self.notice.emit(f"Saved {saved}", True))
