"""A payment's receipt on screen (as the counter printer prints it) with Print receipt, Download
PDF and Print preview; used after recording a payment and from the lists (View receipt)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.services.core.context import Actor
from app.services.payments.receipts import PrintResult
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import multiline
from app.views.common.widgets import named
from app.views.payments import pdf_output
from app.views.payments.display import Background, QuietBackground


def _status_style(ok: bool) -> str:
    return "color: #1e6b3a;" if ok else "color: #b3261e; font-weight: 600;"


class ReceiptView(QWidget):
    printed = Signal(object)  # PrintResult

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Receipt")
        self.services, self.actor = services, actor
        self.payment_id: str | None = None
        self.receipt_no = ""
        self.preview = multiline(named(QPlainTextEdit(), "Receipt preview"))
        self.preview.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.preview.setFont(font)
        paper = self.preview.fontMetrics().horizontalAdvance("M" * 52)
        self.preview.setMinimumWidth(paper)
        self.preview.setMaximumWidth(paper + 24)
        self.preview.setStyleSheet("background: white; border: 1px solid #d5dae1;")
        self.status = named(QLabel(""), "Receipt status")
        self.status.setWordWrap(True)
        self.print_button = named(QPushButton("Print receipt"), "Print receipt")
        self.print_button.setToolTip("Print on this counter's receipt printer (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        if not can(actor.role, Permission.RECORD_PAYMENT):
            self.print_button.hide()
        self.pdf_button = named(QPushButton("Download PDF"), "Download PDF")
        self.preview_button = named(QPushButton("Print preview"), "Print preview")
        self.preview_button.setToolTip("Print the receipt on an office printer")
        buttons = QHBoxLayout()
        for button in (self.print_button, self.pdf_button, self.preview_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.print_button.clicked.connect(lambda: self.print_receipt())
        self.pdf_button.clicked.connect(self.download_pdf)
        self.preview_button.clicked.connect(self.open_print_preview)

    def show_receipt(self, payment_id: str, receipt_no: str) -> None:
        self.payment_id, self.receipt_no = payment_id, receipt_no
        self.preview.setPlainText("Loading the receipt…")
        self.set_status("", True)
        Background(self, lambda: self.services.receipts.receipt_text(self.actor, payment_id)) \
            .success(self.preview.setPlainText) \
            .failure(lambda error: self.preview.setPlainText(f"The receipt cannot be shown: {error}")) \
            .run_in_background()

    def set_status(self, text: str, ok: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(_status_style(ok))

    # the counter printer ------------------------------------------------------------------

    def print_receipt(self, duplicate: bool = False) -> None:
        payment_id = self.payment_id
        if payment_id is None:
            return
        self.print_button.setEnabled(False)
        self.set_status("Printing the receipt…", True)
        QuietBackground(self, lambda: self.services.receipts.print_receipt(self.actor, payment_id,
                                                                     duplicate=duplicate)) \
            .success(self.show_print_result).failure(self.print_failed).run_in_background()

    def show_print_result(self, result: PrintResult) -> None:
        self.print_button.setEnabled(True)
        self.set_status(result.message, result.printed)
        self.printed.emit(result)

    def print_failed(self, error: Exception) -> None:
        self.print_button.setEnabled(True)
        self.set_status(f"The receipt was not printed: {error}. The payment is recorded.", False)

    # PDFs -----------------------------------------------------------------------------------

    def _with_pdf(self, path: Path, then: Callable[[Path], None]) -> None:
        payment_id = self.payment_id
        Background(self, lambda: self.services.receipts.receipt_pdf(self.actor, payment_id, path),
                  label="Making the PDF…") \
            .success(then) \
            .failure(lambda error: self.set_status(f"The PDF was not made: {error}", False)) \
            .run_in_background()

    def download_pdf(self) -> None:
        if self.payment_id is None:
            return
        path = pdf_output.choose_save_path(self, f"Receipt {self.receipt_no}.pdf")
        if path is not None:
            self._with_pdf(path, lambda saved: self.set_status(f"Saved {saved}", True))

    def open_print_preview(self) -> None:
        if self.payment_id is None:
            return
        path = pdf_output.temporary_pdf(f"Receipt {self.receipt_no}.pdf")
        self._with_pdf(path, lambda made: pdf_output.print_preview(
            self, made, f"Receipt {self.receipt_no}").open())


class ReceiptDialog(QDialog):
    """View receipt: the receipt of any payment, with its print and PDF actions."""

    def __init__(self, services: Services, actor: Actor, payment_id: str, receipt_no: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"Receipt {receipt_no}")
        self.setWindowTitle(f"Receipt {receipt_no}")
        self.view = ReceiptView(services, actor)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.view.show_receipt(payment_id, receipt_no)
        self.resize(560, 720)
        keyboard_dialog(self, accept=close)
