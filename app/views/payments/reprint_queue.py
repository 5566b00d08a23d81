"""The reprint queue: receipts whose printing failed, printed again once the printer is back."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services.core.context import Actor
from app.services.payments.receipts import PrintResult, QueuedReceipt
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.display import Background, Display

HEADERS = ("Receipt #", "Consumer", "Amount", "Failed at", "Why")


class ReprintQueueDialog(QDialog):
    printed = Signal(object)  # PrintResult

    def __init__(self, services: Services, actor: Actor, display: Display, parent=None) -> None:
        super().__init__(parent)
        named(self, "Reprint queue")
        self.setWindowTitle("Reprint queue")
        self.services, self.actor, self.display = services, actor, display
        self.queue: list[QueuedReceipt] = []
        self.table = named(QTableWidget(0, len(HEADERS)), "Receipts waiting")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = named(QLabel(""), "Reprint status")
        self.status.setWordWrap(True)
        self.print_button = named(QPushButton("Print selected"), "Print selected")
        close = named(QPushButton("Close"), "Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Receipts whose last print failed. Their payments are recorded."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.print_selected)
        self.table.activated.connect(lambda _i: self.print_selected())
        close.clicked.connect(self.reject)
        self.resize(760, 380)
        self.refresh()

    def refresh(self) -> None:
        Background(self, lambda: self.services.receipts.pending_reprints(self.actor)) \
            .success(self._show).failure(lambda e: self.status.setText(str(e))).run_in_background()

    def _show(self, queue: list[QueuedReceipt]) -> None:
        self.queue = queue
        self.table.setRowCount(len(queue))
        for row, entry in enumerate(queue):
            cells = (entry.receipt_no, entry.consumer_name, self.display.money(entry.amount),
                     self.display.moment(entry.failed_at), entry.error)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if queue:
            self.table.selectRow(0)
        else:
            self.status.setText("Nothing waits to be printed.")
        self.print_button.setEnabled(bool(queue))

    def print_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.queue):
            return
        payment_id = self.queue[row].payment_id
        self.print_button.setEnabled(False)
        self.status.setText(f"Printing {self.queue[row].receipt_no}…")
        Background(self, lambda: self.services.receipts.print_receipt(self.actor, payment_id)) \
            .success(self._printed).failure(lambda e: self.status.setText(str(e))) \
            .run_in_background()

    def _printed(self, result: PrintResult) -> None:
        self.status.setText(result.message)
        self.printed.emit(result)
        self.refresh()
